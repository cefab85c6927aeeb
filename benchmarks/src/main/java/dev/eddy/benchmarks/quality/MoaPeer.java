package dev.eddy.benchmarks.quality;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import moa.classifiers.Classifier;
import moa.options.ClassOption;

/**
 * The MOA learners Eddy is compared with (issue 11), each with MOA's default options except the ensemble size of the
 * forest. Their random seeds are MOA's default ({@code -r 1}, on Leveraging Bagging and the forest; the adaptive tree
 * has none), so a run is deterministic.
 */
public enum MoaPeer {
    /** Hoeffding Adaptive Tree (Bifet and Gavaldà 2009): a Hoeffding tree whose nodes replace subtrees on ADWIN drift. */
    HOEFFDING_ADAPTIVE_TREE("moa-hat", "trees.HoeffdingAdaptiveTree"),
    /** Leveraging Bagging (Bifet, Holmes and Pfahringer 2010): 10 Hoeffding trees, Poisson(6) weights, ADWIN resets. */
    LEVERAGING_BAGGING("moa-leveraging-bagging", "meta.LeveragingBag"),
    /** Adaptive Random Forest (Gomes et al. 2017) of 10 trees, with drift warnings and background trees. */
    ADAPTIVE_RANDOM_FOREST("moa-arf", "meta.AdaptiveRandomForest -s 10");

    private final String learnerName;
    private final String cli;

    MoaPeer(String learnerName, String cli) {
        this.learnerName = learnerName;
        this.cli = cli;
    }

    /** The learner's name in reports: {@code moa-hat}, {@code moa-leveraging-bagging}, {@code moa-arf}. */
    public String learnerName() {
        return learnerName;
    }

    /** The learner as MOA's command line spells it ({@code EvaluatePrequential -l (...)}). */
    public String cli() {
        return cli;
    }

    /** A new learner, its options parsed, not yet given a stream header. */
    public Classifier newClassifier() {
        try {
            Classifier classifier = (Classifier) ClassOption.cliStringToObject(cli, Classifier.class, null);
            classifier.prepareForUse();
            return classifier;
        } catch (Exception e) {
            throw new IllegalStateException("MOA could not create '" + cli + "': " + e.getMessage(), e);
        }
    }

    /**
     * The peer named {@code name} in reports.
     *
     * @throws IllegalArgumentException naming the bad name and the known ones
     */
    public static MoaPeer named(String name) {
        return Arrays.stream(values())
                .filter(p -> p.learnerName.equals(name.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown MOA learner '" + name + "'; expected one of "
                        + Arrays.stream(values()).map(MoaPeer::learnerName).collect(Collectors.joining(", "))));
    }
}
