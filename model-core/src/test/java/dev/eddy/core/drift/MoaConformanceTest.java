package dev.eddy.core.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.init.Xoshiro256;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import moa.classifiers.core.driftdetection.ADWIN;
import moa.classifiers.core.driftdetection.ADWINChangeDetector;
import moa.classifiers.core.driftdetection.AbstractChangeDetector;
import moa.classifiers.core.driftdetection.DDM;
import moa.classifiers.core.driftdetection.PageHinkleyDM;
import org.junit.jupiter.api.Test;

/**
 * Eddy's detectors against MOA 2024.07's on the same sequences (fixed seeds): the same detection indices, and
 * for ADWIN the same window width after every example.
 *
 * <p>MOA's {@code ADWINChangeDetector}, {@code PageHinkleyDM} and {@code DDM} signal increases only, like
 * Eddy's, so no index differs. Eddy's warnings of ADWIN and Page-Hinkley come from a second detector with the
 * looser parameter: they are compared with MOA's detector of that parameter run alone, less the drift indices.
 */
class MoaConformanceTest {

    private static final Map<String, double[]> ERRORS = new LinkedHashMap<>();

    static {
        ERRORS.put("stationary", Sequences.stationary(1, 20_000));
        ERRORS.put("abrupt", Sequences.abrupt(2));
        ERRORS.put("gradual", Sequences.gradual(3));
        ERRORS.put("noisy", Sequences.noisy(4));
    }

    /** Indices where Eddy's detector returned {@code state}. */
    private static List<Integer> indices(DriftDetector detector, double[] x, DriftState state) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (detector.update(x[i]) == state) {
                found.add(i);
            }
        }
        return found;
    }

    /** Indices where MOA's detector reported a change (or, with {@code warnings}, a warning zone without one). */
    private static List<Integer> moaIndices(AbstractChangeDetector detector, double[] x, boolean warnings) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            detector.input(x[i]);
            boolean hit = warnings ? detector.getWarningZone() && !detector.getChange() : detector.getChange();
            if (hit) {
                found.add(i);
            }
        }
        return found;
    }

    private static ADWINChangeDetector moaAdwin(double delta) {
        ADWINChangeDetector d = new ADWINChangeDetector();
        d.deltaAdwinOption.setValue(delta);
        return d;
    }

    private static PageHinkleyDM moaPageHinkley(double lambda) {
        PageHinkleyDM d = new PageHinkleyDM();
        d.lambdaOption.setValue(lambda);
        return d;
    }

    /**
     * Eddy's warning indices come from the looser instance alone, except where the detecting one fired: MOA's
     * looser detector run alone, minus the drift indices.
     */
    private static List<Integer> without(List<Integer> all, List<Integer> removed) {
        List<Integer> kept = new ArrayList<>(all);
        kept.removeAll(removed);
        return kept;
    }

    @Test
    void adwinDetectsWhereMoasAdwinChangeDetectorDoes() {
        Map<String, double[]> sequences = new LinkedHashMap<>(ERRORS);
        sequences.put("real-valued", Sequences.realValued(5));
        sequences.forEach((name, x) -> {
            List<Integer> drifts = indices(AdwinConfig.defaults().newDetector(), x, DriftState.DRIFT);
            List<Integer> warnings = indices(AdwinConfig.defaults().newDetector(), x, DriftState.WARNING);
            List<Integer> moaDrifts = moaIndices(moaAdwin(0.002), x, false);
            List<Integer> moaWarnings = without(moaIndices(moaAdwin(0.01), x, false), moaDrifts);
            System.out.printf("adwin %s: drift %s%n  warning %s%n", name, drifts, warnings);
            assertThat(drifts).as(name).isEqualTo(moaDrifts);
            assertThat(warnings).as(name).isEqualTo(moaWarnings);
        });
    }

    @Test
    void adwinWindowsHaveMoasWidthAndTotalAfterEveryExample() {
        Map<String, double[]> sequences = new LinkedHashMap<>(ERRORS);
        sequences.put("real-valued", Sequences.realValued(5));
        sequences.forEach((name, x) -> {
            for (double delta : new double[] {0.002, 0.01, 0.1}) {
                AdwinWindow eddy = new AdwinWindow(delta, 32, 5);
                ADWIN moa = new ADWIN(delta);
                for (int i = 0; i < x.length; i++) {
                    assertThat(eddy.add(x[i]))
                            .as("%s δ=%s, cut at %d", name, delta, i)
                            .isEqualTo(moa.setInput(x[i]));
                    assertThat(eddy.width())
                            .as("%s δ=%s, width at %d", name, delta, i)
                            .isEqualTo(moa.getWidth());
                    assertThat(eddy.total())
                            .as("%s δ=%s, total at %d", name, delta, i)
                            .isEqualTo(moa.getTotal());
                    assertThat(eddy.variance())
                            .as("%s δ=%s, variance at %d", name, delta, i)
                            .isEqualTo(moa.getVariance());
                }
            }
        });
    }

    @Test
    void pageHinkleyDetectsWhereMoasPageHinkleyDmDoes() {
        Map<String, double[]> sequences = new LinkedHashMap<>(ERRORS);
        sequences.put("real-valued", Sequences.realValued(5));
        sequences.forEach((name, x) -> {
            List<Integer> drifts = indices(PageHinkleyConfig.defaults().newDetector(), x, DriftState.DRIFT);
            List<Integer> warnings = indices(PageHinkleyConfig.defaults().newDetector(), x, DriftState.WARNING);
            List<Integer> moaDrifts = moaIndices(moaPageHinkley(50), x, false);
            List<Integer> moaWarnings = without(moaIndices(moaPageHinkley(25), x, false), moaDrifts);
            System.out.printf("page-hinkley %s: drift %s%n  warning %s%n", name, drifts, warnings);
            assertThat(drifts).as(name).isEqualTo(moaDrifts);
            assertThat(warnings).as(name).isEqualTo(moaWarnings);
        });
    }

    @Test
    void ddmDetectsAndWarnsWhereMoasDdmDoes() {
        ERRORS.forEach((name, x) -> {
            Ddm ddm = DdmConfig.defaults().newDetector();
            List<Integer> drifts = new ArrayList<>();
            List<Integer> warnings = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                DriftState s = ddm.update(x[i]);
                if (s == DriftState.DRIFT) {
                    drifts.add(i);
                } else if (s == DriftState.WARNING) {
                    warnings.add(i);
                }
            }
            System.out.printf("ddm %s: drift %s, %d warnings%n", name, drifts, warnings.size());
            assertThat(drifts).as(name).isEqualTo(moaIndices(new DDM(), x, false));
            assertThat(warnings).as(name).isEqualTo(moaIndices(new DDM(), x, true));
        });
    }

    /**
     * Short random sequences (one shift of the error rate at a random index, both rates random, seed 7) with
     * random warm-ups and thresholds: every output of every example is MOA's.
     */
    @Test
    void everyOutputIsMoasOnRandomShortSequences() {
        Xoshiro256 rng = new Xoshiro256(7);
        for (int trial = 0; trial < 3_000; trial++) {
            int length = 30 + (int) (rng.nextDouble() * 400);
            double before = rng.nextDouble();
            double after = rng.nextDouble();
            int shift = (int) (rng.nextDouble() * length);
            double[] x = Sequences.bernoulli(rng.nextLong(), length, i -> i < shift ? before : after);
            int warmUp = 1 + (int) (rng.nextDouble() * 40);
            double lambda = 1 + rng.nextDouble() * 20;

            Ddm ddm = new DdmConfig(warmUp, 2, 3).newDetector();
            DDM moaDdm = new DDM();
            moaDdm.minNumInstancesOption.setValue(warmUp);
            PageHinkley ph = new PageHinkleyConfig(warmUp, 0.005, lambda, 1 - 1e-4, lambda / 2).newDetector();
            PageHinkleyDM moaPh = new PageHinkleyDM();
            moaPh.minNumInstancesOption.setValue(warmUp);
            moaPh.lambdaOption.setValue(lambda);
            Adwin adwin = new AdwinConfig(0.1, 1 + trial % 32, 5, 0.2).newDetector();
            ADWINChangeDetector moaAdwin = moaAdwin(0.1);
            ADWIN moaWindow = new ADWIN(1 + trial % 32);
            for (int i = 0; i < length; i++) {
                String at = "trial " + trial + ", example " + i;
                DriftState d = ddm.update(x[i]);
                moaDdm.input(x[i]);
                assertThat(d == DriftState.DRIFT).as(at).isEqualTo(moaDdm.getChange());
                assertThat(d == DriftState.WARNING).as(at).isEqualTo(moaDdm.getWarningZone() && !moaDdm.getChange());
                moaPh.input(x[i]);
                assertThat(ph.update(x[i]) == DriftState.DRIFT).as(at).isEqualTo(moaPh.getChange());
                if (trial % 32 == 31) {
                    // MOA's ADWINChangeDetector has the default clock (32) only.
                    moaAdwin.input(x[i]);
                    assertThat(adwin.update(x[i]) == DriftState.DRIFT).as(at).isEqualTo(moaAdwin.getChange());
                } else {
                    adwin.update(x[i]);
                }
                moaWindow.setInput(x[i], 0.1);
                assertThat(adwin.window().width()).as(at).isEqualTo(moaWindow.getWidth());
            }
        }
    }
}
