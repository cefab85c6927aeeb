package dev.eddy.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The small real datasets shipped inside this library (copies of scikit-learn's bundled data; sources,
 * licences and citations in {@code dev/eddy/core/datasets/README.md} and each {@code DATASET.json}).
 */
public enum BundledDataset {
    /** Optical handwritten digits, 8×8 pixels 0..16: 1,797 rows × 64 features, 10 classes. */
    DIGITS(LabelKind.CLASS, 1797, 64, 10),
    /** Wisconsin diagnostic breast cancer: 569 rows × 30 features, 2 classes (0 malignant, 1 benign). */
    BREAST_CANCER(LabelKind.CLASS, 569, 30, 2),
    /** Efron et al. (2004) diabetes progression, raw scale: 442 rows × 10 features, regression. */
    DIABETES(LabelKind.TARGET, 442, 10, 0);

    private final LabelKind labelKind;
    private final int rows;
    private final int features;
    private final int classes;

    BundledDataset(LabelKind labelKind, int rows, int features, int classes) {
        this.labelKind = labelKind;
        this.rows = rows;
        this.features = features;
        this.classes = classes;
    }

    /**
     * The dataset by its command-line name, e.g. {@code breast-cancer} (the one spelling of {@code --dataset} in
     * every command).
     *
     * @throws IllegalArgumentException naming the known names
     */
    public static BundledDataset named(String name) {
        for (BundledDataset d : values()) {
            if (d.cliName().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + name + "'; expected one of "
                + String.join(
                        ", ",
                        java.util.Arrays.stream(values())
                                .map(BundledDataset::cliName)
                                .toList()));
    }

    /** The name {@code --dataset} takes, e.g. {@code breast-cancer}. */
    public String cliName() {
        return id().replace('_', '-');
    }

    /** The dataset's folder and file name, e.g. {@code breast_cancer}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public LabelKind labelKind() {
        return labelKind;
    }

    /** Number of data rows. */
    public int rows() {
        return rows;
    }

    /** Number of feature columns. */
    public int features() {
        return features;
    }

    /** Number of classes K for classification, 0 for regression. */
    public int classes() {
        return classes;
    }

    /** Classpath location of the CSV file. */
    public String resource() {
        return "/dev/eddy/core/datasets/" + id() + "/" + id() + ".csv";
    }

    /** Opens the bundled CSV; see {@link CsvDataset#read}. */
    public CsvDataset open(Consumer<RejectedRow> onRejected) throws IOException {
        InputStream in = BundledDataset.class.getResourceAsStream(resource());
        if (in == null) {
            throw new IllegalStateException("bundled dataset resource " + resource() + " is missing from the jar");
        }
        return CsvDataset.read(in, id(), labelKind, onRejected);
    }
}
