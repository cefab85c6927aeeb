package dev.eddy.benchmarks.pipeline;

import dev.eddy.core.data.CsvDataset;
import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.schema.Example;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An endless stream of labeled rows for one input width: a dataset's rows replayed in file order, pass after pass,
 * or, without a dataset, rows drawn from a fixed linear rule so every run sees the same numbers. Ids are
 * {@code <prefix>:<n>} with n counting from 0, so they are unique across passes (the holdout split hashes them).
 */
public final class ExampleStream {

    private final String description;
    private final List<LabeledRow> rows;
    private final int features;
    private final int classes;
    private final Random random;
    private final double[][] rule;
    private long next;

    private ExampleStream(String description, List<LabeledRow> rows, int features, int classes, long seed) {
        this.description = description;
        this.rows = rows;
        this.features = features;
        this.classes = classes;
        this.random = new Random(seed);
        this.rule = new double[classes][features];
        for (double[] w : rule) {
            for (int j = 0; j < features; j++) {
                w[j] = random.nextGaussian();
            }
        }
    }

    /** elec2 (8 features, binary) replayed from {@code file} when it exists, else generated rows of that shape. */
    static ExampleStream elec2OrGenerated(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return generated(8, 2, 1996);
        }
        List<LabeledRow> rows = new ArrayList<>();
        try (CsvDataset csv = CsvDataset.open(file, LabelKind.CLASS, rejected -> {})) {
            csv.forEach(rows::add);
        }
        return new ExampleStream("elec2 (" + rows.size() + " rows, replayed)", rows, 8, 2, 0);
    }

    /**
     * Gaussian rows x ~ N(0, I) labeled by a fixed random linear rule: argmax_k w_k·x (k &lt; classes), or for two
     * classes 1 when w_1·x &gt; w_0·x.
     */
    public static ExampleStream generated(int features, int classes, long seed) {
        return new ExampleStream(
                "generated (" + features + " features, " + classes + " classes)", List.of(), features, classes, seed);
    }

    String description() {
        return description;
    }

    /** The next example for {@code modelId}; with {@code labeled} false, a feature record to score (no label). */
    public Example next(String prefix, String modelId, boolean labeled) {
        long n = next++;
        List<Double> x = new ArrayList<>(features);
        int label;
        if (rows.isEmpty()) {
            for (int j = 0; j < features; j++) {
                x.add(random.nextGaussian());
            }
            label = argmax(x);
        } else {
            LabeledRow row = rows.get((int) (n % rows.size()));
            for (double v : row.features()) {
                x.add(v);
            }
            label = row.classLabel();
        }
        return Example.newBuilder()
                .setId(prefix + ":" + n)
                .setModelId(modelId)
                .setFeatures(x)
                .setClassLabel(labeled ? label : null)
                .setEventTime(Instant.now())
                .build();
    }

    private int argmax(List<Double> x) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            double s = 0;
            for (int j = 0; j < features; j++) {
                s += rule[k][j] * x.get(j);
            }
            if (s > bestScore) {
                bestScore = s;
                best = k;
            }
        }
        return best;
    }
}
