package dev.eddy.core.data;

import dev.eddy.core.data.stream.Agrawal;
import dev.eddy.core.data.stream.DriftSchedule;
import dev.eddy.core.data.stream.DriftingStream;
import dev.eddy.core.data.stream.Hyperplane;
import dev.eddy.core.data.stream.Sea;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * A finite labeled stream read once, in file order: a CSV file, a bundled dataset, or the first n examples of a
 * seeded drifting generator. This is what prequential evaluation replays (never shuffled), and the example ids are
 * those {@code eddy produce}, {@code eddy stream} and {@code eddy demo} write for the same data ({@code <name>:<line>},
 * {@link #exampleId(String, long)}), so the holdout split, which hashes the id, holds out the same rows as on Kafka.
 *
 * <p>Reading is strict: a row that {@link CsvDataset} would skip is an error naming the file, the line and the
 * reason, because an evaluation over a silently shortened stream would mislead.
 *
 * @param name the file name without {@code .csv}/{@code .csv.gz}, or the dataset name
 * @param classes K for classification, 0 for regression
 * @param driftPoints the 0-based positions where a generator switches concept abruptly (empty for files and for
 *     gradual drift)
 */
public record FileOrderStream(
        String name, LabelKind labelKind, int classes, int featureCount, List<LabeledRow> rows, long[] driftPoints) {

    /** The names of {@link #dataset}: the bundled datasets, then the generators. */
    public static final List<String> DATASETS =
            List.of("digits", "breast-cancer", "diabetes", "hyperplane", "sea", "agrawal");

    /**
     * The most classes a label column may make (its largest class index + 1): more is an integer target read as
     * class indices, whose softmax and scores would not fit in memory, or a class coding with gaps.
     */
    public static final int MAX_CLASSES = 1_000;

    /** Examples between two abrupt drifts of the SEA and Agrawal generators, unless given. */
    public static final long DEFAULT_DRIFT_EVERY = 10_000;

    /** The example id of a row, as {@code eddy produce} writes it. */
    public String exampleId(LabeledRow row) {
        return exampleId(name, row.lineNumber());
    }

    /**
     * The example id of a stream's row: {@code <stream>:<line>}, the stream named as in {@link #nameOf} or
     * {@link #DATASETS}, the line as in {@link LabeledRow#lineNumber}. Whatever writes the same rows to Kafka writes
     * these ids, so that the holdout split, which hashes them, holds out the same rows there as here.
     */
    public static String exampleId(String stream, long line) {
        return stream + ":" + line;
    }

    /** Whether the task is classification. */
    public boolean classification() {
        return labelKind == LabelKind.CLASS;
    }

    /**
     * Every row of a CSV file, in order.
     *
     * @param labelKind the label column's kind, or null to infer it from the first row
     * @throws IllegalArgumentException naming the file and line of the first row that is not valid
     */
    public static FileOrderStream csv(Path file, LabelKind labelKind) throws IOException {
        try (CsvDataset data = CsvDataset.open(file, labelKind, FileOrderStream::refuse)) {
            return finite(nameOf(file), data);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(file.toString())
                    ? e
                    : new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A bundled dataset or the first {@code examples} of a generator, by one of the {@link #DATASETS} names.
     *
     * @param driftEvery examples between abrupt drifts of {@code sea} and {@code agrawal} (0: no drift)
     */
    public static FileOrderStream dataset(String name, long examples, long seed, long driftEvery) throws IOException {
        String n = name.toLowerCase(Locale.ROOT);
        if (!DATASETS.contains(n)) {
            throw new IllegalArgumentException(
                    "unknown dataset '" + name + "'; expected one of " + String.join(", ", DATASETS));
        }
        if (examples < 1 || examples > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--examples must be in [1, " + Integer.MAX_VALUE + "], got " + examples);
        }
        if (driftEvery < 0) {
            throw new IllegalArgumentException("drift every must be >= 0 examples, got " + driftEvery);
        }
        DriftSchedule drift = driftEvery == 0 ? new DriftSchedule() : DriftSchedule.periodic(driftEvery);
        return switch (n) {
            case "hyperplane" -> generated(n, Hyperplane.standard(seed), examples, new long[0]);
            case "sea" -> generated(n, new Sea(drift, 0.1, seed), examples, points(examples, driftEvery));
            case "agrawal" -> generated(
                    n,
                    new Agrawal(new int[] {1, 2, 3, 4}, drift, 0.05, 0.0, seed),
                    examples,
                    points(examples, driftEvery));
            default -> {
                try (CsvDataset data = BundledDataset.named(n).open(FileOrderStream::refuse)) {
                    yield finite(n, data);
                }
            }
        };
    }

    /** The file name without {@code .gz} and {@code .csv}: {@code elec2.csv.gz} gives {@code elec2}. */
    public static String nameOf(Path file) {
        String name = file.getFileName().toString();
        name = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        return name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
    }

    private static void refuse(RejectedRow row) {
        throw new IllegalArgumentException("line " + row.lineNumber() + ": " + row.reason());
    }

    private static FileOrderStream finite(String name, CsvDataset data) {
        List<LabeledRow> rows = new ArrayList<>();
        data.forEach(rows::add);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(data.source() + " has no data rows; expected a header line and rows");
        }
        int classes = data.labelKind() == LabelKind.CLASS ? classes(rows) : 0;
        return new FileOrderStream(name, data.labelKind(), classes, data.featureCount(), rows, new long[0]);
    }

    /**
     * K: the largest class index + 1, at least 2.
     *
     * @throws IllegalArgumentException when K is above {@link #MAX_CLASSES}, naming the row of the largest label
     */
    private static int classes(List<LabeledRow> rows) {
        LabeledRow largest = rows.get(0);
        Set<Integer> distinct = new HashSet<>();
        for (LabeledRow r : rows) {
            largest = r.classLabel() > largest.classLabel() ? r : largest;
            distinct.add(r.classLabel());
        }
        long classes = Math.max(largest.classLabel() + 1L, 2);
        if (classes > MAX_CLASSES) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "line %d: label %d read as a class index makes %,d classes, from %,d distinct labels; expected class"
                            + " indices 0 to K-1 with K at most %,d (for a number to predict, give --label-kind"
                            + " target)",
                    largest.lineNumber(),
                    largest.classLabel(),
                    classes,
                    distinct.size(),
                    MAX_CLASSES));
        }
        return (int) classes;
    }

    private static FileOrderStream generated(String name, DriftingStream generator, long examples, long[] drifts) {
        List<LabeledRow> rows = new ArrayList<>((int) examples);
        for (long i = 0; i < examples; i++) {
            rows.add(generator.next());
        }
        return new FileOrderStream(
                name,
                LabelKind.CLASS,
                generator.classes(),
                generator.featureNames().size(),
                rows,
                drifts);
    }

    private static long[] points(long examples, long every) {
        return every == 0
                ? new long[0]
                : LongStream.iterate(every, p -> p < examples, p -> p + every).toArray();
    }
}
