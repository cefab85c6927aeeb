package dev.eddy.demo;

import dev.eddy.core.data.BundledDataset;
import dev.eddy.core.data.CsvDataset;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.data.stream.Agrawal;
import dev.eddy.core.data.stream.DriftSchedule;
import dev.eddy.core.data.stream.DriftingStream;
import dev.eddy.core.data.stream.Hyperplane;
import dev.eddy.core.data.stream.Sea;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the demo streams: a finite dataset replayed in passes, each pass in a new seeded random order (so a
 * network large enough to memorize it starts to overfit), or an endless drifting generator.
 *
 * <p>Example ids are stable across passes ({@code <name>:<line>}), so the holdout split, which hashes the id, holds
 * out the same rows in every pass: no held-out row is ever trained on. They are the ids {@code eddy evaluate} gives
 * the same rows ({@link FileOrderStream#exampleId(String, long)}), so both hold out the same rows.
 */
public final class DemoStream implements Iterator<LabeledRow> {

    /** The names accepted by {@code --dataset}. */
    public static final List<String> NAMES =
            List.of("digits", "breast-cancer", "diabetes", "hyperplane", "sea", "agrawal");

    /** Examples between two drift points of the SEA and Agrawal generators. */
    public static final long DRIFT_PERIOD = 10_000;

    private final String name;
    private final LabelKind kind;
    private final int features;
    private final int classes;
    private final List<LabeledRow> rows;
    private final DriftingStream generator;
    private final SplittableRandom random;
    private int next;

    private DemoStream(String name, LabelKind kind, List<LabeledRow> rows, DriftingStream generator, long seed) {
        this.name = name;
        this.kind = kind;
        this.rows = rows;
        this.generator = generator;
        this.random = new SplittableRandom(seed);
        if (generator != null) {
            this.features = generator.featureNames().size();
            this.classes = generator.classes();
        } else {
            this.features = rows.get(0).features().length;
            int k = 0;
            for (LabeledRow r : rows) {
                k = Math.max(k, r.classLabel() + 1);
            }
            this.classes = kind == LabelKind.CLASS ? Math.max(k, 2) : 0;
            this.next = rows.size(); // the first call to next() shuffles
        }
    }

    /** A bundled dataset or generator by its {@code --dataset} name. */
    public static DemoStream named(String name, long seed) throws IOException {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "hyperplane" -> new DemoStream(n, LabelKind.CLASS, null, Hyperplane.standard(seed), seed);
            case "sea" -> new DemoStream(
                    n, LabelKind.CLASS, null, new Sea(DriftSchedule.periodic(DRIFT_PERIOD), 0.1, seed), seed);
            case "agrawal" -> new DemoStream(
                    n,
                    LabelKind.CLASS,
                    null,
                    new Agrawal(new int[] {1, 2, 3, 4}, DriftSchedule.periodic(DRIFT_PERIOD), 0.05, 0.0, seed),
                    seed);
            default -> {
                if (!NAMES.contains(n)) {
                    throw new IllegalArgumentException(
                            "unknown dataset '" + name + "'; expected one of " + String.join(", ", NAMES));
                }
                BundledDataset d = BundledDataset.valueOf(n.replace('-', '_').toUpperCase(Locale.ROOT));
                try (CsvDataset data = d.open(r -> {})) {
                    yield finite(n, data, seed);
                }
            }
        };
    }

    /** A CSV file replayed in shuffled passes. */
    public static DemoStream csv(Path file, LabelKind kind, long seed) throws IOException {
        try (CsvDataset data = CsvDataset.open(file, kind, r -> {})) {
            return finite(FileOrderStream.nameOf(file), data, seed);
        }
    }

    private static DemoStream finite(String name, CsvDataset data, long seed) {
        List<LabeledRow> rows = new ArrayList<>();
        data.forEach(rows::add);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(data.source() + " has no valid rows");
        }
        return new DemoStream(name, data.labelKind(), rows, null, seed);
    }

    public String name() {
        return name;
    }

    public LabelKind labelKind() {
        return kind;
    }

    public int featureCount() {
        return features;
    }

    /** K for classification, 0 for regression. */
    public int classes() {
        return classes;
    }

    /** Rows of one pass, or 0 for an endless generator. */
    public int rowsPerPass() {
        return rows == null ? 0 : rows.size();
    }

    /**
     * Loss of the best constant prediction, the reference of the bias/variance hint: ln K for K classes (uniform
     * probabilities), Var(y) of one pass for regression.
     */
    public double referenceLoss() {
        if (kind == LabelKind.CLASS) {
            return Math.log(classes);
        }
        double mean = rows.stream().mapToDouble(LabeledRow::label).average().orElseThrow();
        return rows.stream()
                .mapToDouble(r -> (r.label() - mean) * (r.label() - mean))
                .average()
                .orElseThrow();
    }

    /** The example id of a row: stable across passes. */
    public String id(LabeledRow row) {
        return FileOrderStream.exampleId(name, row.lineNumber());
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public LabeledRow next() {
        if (generator != null) {
            return generator.next();
        }
        if (next == rows.size()) {
            // Fisher–Yates: a new order for every pass.
            for (int i = rows.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                rows.set(j, rows.set(i, rows.get(j)));
            }
            next = 0;
        }
        return rows.get(next++);
    }
}
