package dev.eddy.core.data;

import dev.eddy.core.data.stream.Agrawal;
import dev.eddy.core.data.stream.DriftSchedule;
import dev.eddy.core.data.stream.DriftingStream;
import dev.eddy.core.data.stream.Hyperplane;
import dev.eddy.core.data.stream.Sea;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * A finite labeled stream in file order: a CSV file, a bundled dataset, or the first n examples of a seeded drifting
 * generator. This is what prequential evaluation replays (never shuffled), and the example ids are those {@code eddy
 * produce}, {@code eddy stream} and {@code eddy demo} write for the same data ({@code <name>:<line>},
 * {@link #exampleId(String, long)}), so the holdout split, which hashes the id, holds out the same rows as on Kafka.
 *
 * <p>No row is kept: each {@link #read()} is a pass of its own from the first row, the file opened again or the
 * generator seeded again, so memory does not grow with the stream's length and every pass reads the same rows in the
 * same order. A file is read once more when the stream is made, for its row count and classes.
 *
 * <p>Reading is strict: a row that {@link CsvDataset} would skip is an error naming the file, the line and the
 * reason, because an evaluation over a silently shortened stream would mislead.
 */
public final class FileOrderStream {

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

    private final String name;
    private final LabelKind labelKind;
    private final int classes;
    private final int featureCount;
    private final long rows;
    private final long[] driftPoints;
    private final Source source;

    private FileOrderStream(
            String name,
            LabelKind labelKind,
            int classes,
            int featureCount,
            long rows,
            long[] driftPoints,
            Source source) {
        this.name = name;
        this.labelKind = labelKind;
        this.classes = classes;
        this.featureCount = featureCount;
        this.rows = rows;
        this.driftPoints = driftPoints;
        this.source = source;
    }

    /** Opens the rows of one pass, from the first (a file's rows are checked as they are read). */
    private interface Source {
        Opened open() throws IOException;
    }

    /** The rows of one pass, what they are read from, and what to close after it (nothing for a generator). */
    private record Opened(Iterator<LabeledRow> rows, String source, Closeable resource) {}

    /** The file name without {@code .csv}/{@code .csv.gz}, or the dataset name. */
    public String name() {
        return name;
    }

    public LabelKind labelKind() {
        return labelKind;
    }

    /** K for classification, 0 for regression. */
    public int classes() {
        return classes;
    }

    public int featureCount() {
        return featureCount;
    }

    /** The number of rows of every pass. */
    public long rows() {
        return rows;
    }

    /**
     * The 0-based positions where a generator switches concept abruptly (empty for files and for gradual drift).
     */
    public long[] driftPoints() {
        return driftPoints.clone();
    }

    /**
     * A pass over the rows, from the first, in file order, reading the file again (or seeding the generator again):
     * the same rows as every other pass, none of them kept.
     */
    public Pass read() throws IOException {
        return new Pass(source.open());
    }

    /** The rows of one pass over a {@link FileOrderStream}; close it to release the file. */
    public final class Pass implements Iterator<LabeledRow>, Closeable {
        private final Opened opened;
        private long read;

        private Pass(Opened opened) {
            this.opened = opened;
        }

        @Override
        public boolean hasNext() {
            return read < rows;
        }

        /**
         * @throws IllegalStateException when the file ends before the rows counted when the stream was made (it
         *     changed during the evaluation)
         */
        @Override
        public LabeledRow next() {
            if (read == rows) {
                throw new NoSuchElementException(name + " has " + rows + " rows");
            }
            if (!opened.rows().hasNext()) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "%s ended after %,d rows where it had %,d when the evaluation started; expected the file"
                                + " unchanged until the evaluation ends",
                        opened.source(),
                        read,
                        rows));
            }
            read++;
            return opened.rows().next();
        }

        @Override
        public void close() throws IOException {
            opened.resource().close();
        }
    }

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
     * The rows of a CSV file, plain or gzip-compressed, in order; the file is read through once here, for its row
     * count and classes, and again at each {@link #read()}.
     *
     * @param labelKind the label column's kind, or null to infer it from the first row
     * @throws IllegalArgumentException naming the file and line of the first row that is not valid
     */
    public static FileOrderStream csv(Path file, LabelKind labelKind) throws IOException {
        Consumer<RejectedRow> refuse = refuse(file.toString());
        try {
            return finite(nameOf(file), kind -> CsvDataset.open(file, kind, refuse), labelKind);
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
            case "hyperplane" -> generated(n, () -> Hyperplane.standard(seed), examples, new long[0]);
            case "sea" -> generated(n, () -> new Sea(drift, 0.1, seed), examples, points(examples, driftEvery));
            case "agrawal" -> generated(
                    n,
                    () -> new Agrawal(new int[] {1, 2, 3, 4}, drift, 0.05, 0.0, seed),
                    examples,
                    points(examples, driftEvery));
            default -> {
                BundledDataset bundled = BundledDataset.named(n);
                Consumer<RejectedRow> refuse = refuse(bundled.resource());
                yield finite(n, kind -> bundled.open(refuse), null);
            }
        };
    }

    /** The file name without {@code .gz} and {@code .csv}: {@code elec2.csv.gz} gives {@code elec2}. */
    public static String nameOf(Path file) {
        String name = file.getFileName().toString();
        name = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        return name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
    }

    private static Consumer<RejectedRow> refuse(String source) {
        return row -> {
            throw new IllegalArgumentException(source + ": line " + row.lineNumber() + ": " + row.reason());
        };
    }

    /** Opens a CSV source with the label column of the given kind (null: inferred from the first row). */
    private interface CsvSource {
        CsvDataset open(LabelKind labelKind) throws IOException;
    }

    /**
     * A CSV stream, read through once for its row count, label kind and classes; each pass opens it again with the
     * label kind of this first reading.
     */
    private static FileOrderStream finite(String name, CsvSource csv, LabelKind labelKind) throws IOException {
        long rows = 0;
        LabeledRow largest = null;
        Set<Integer> distinct = new HashSet<>();
        LabelKind kind;
        int features;
        try (CsvDataset data = csv.open(labelKind)) {
            for (LabeledRow row : data) {
                rows++;
                if (data.labelKind() == LabelKind.CLASS) {
                    largest = largest == null || row.classLabel() > largest.classLabel() ? row : largest;
                    distinct.add(row.classLabel());
                }
            }
            if (rows == 0) {
                throw new IllegalArgumentException(
                        data.source() + " has no data rows; expected a header line and rows");
            }
            kind = data.labelKind();
            features = data.featureCount();
        }
        int classes = kind == LabelKind.CLASS ? classes(largest, distinct.size()) : 0;
        return new FileOrderStream(name, kind, classes, features, rows, new long[0], () -> {
            CsvDataset data = csv.open(kind);
            return new Opened(data.iterator(), data.source(), data);
        });
    }

    /**
     * K: the largest class index + 1, at least 2.
     *
     * @param largest the row of the largest class index
     * @throws IllegalArgumentException when K is above {@link #MAX_CLASSES}, naming the row of the largest label
     */
    private static int classes(LabeledRow largest, int distinct) {
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
                    distinct,
                    MAX_CLASSES));
        }
        return (int) classes;
    }

    /** The first {@code examples} of a generator, made anew (same seed, same rows) at each pass. */
    private static FileOrderStream generated(
            String name, Supplier<DriftingStream> generator, long examples, long[] drifts) {
        DriftingStream first = generator.get();
        return new FileOrderStream(
                name,
                LabelKind.CLASS,
                first.classes(),
                first.featureNames().size(),
                examples,
                drifts,
                () -> new Opened(generator.get(), name, () -> {}));
    }

    private static long[] points(long examples, long every) {
        return every == 0
                ? new long[0]
                : LongStream.iterate(every, p -> p < examples, p -> p + every).toArray();
    }
}
