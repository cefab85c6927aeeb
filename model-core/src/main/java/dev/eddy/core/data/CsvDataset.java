package dev.eddy.core.data;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A numeric CSV dataset read row by row: one header line, all feature columns first, the last column
 * named {@code label}. Gzip input is recognised by its magic bytes (1f 8b), whatever the file name.
 *
 * <p>Rows are parsed lazily, so a file of any size streams in constant memory. A row that cannot be
 * parsed (wrong column count, a non-numeric or non-finite value, a label of the wrong kind) is handed
 * to the rejection callback with its line number and skipped; the rest of the file is still read. A
 * missing or wrong header is fatal ({@link IllegalArgumentException}).
 *
 * <p>Rows to score are read with {@link #openFeatures}: the {@code label} column is optional and its text is not
 * read, so an empty or unknown label ({@code ?}) does not reject the row.
 *
 * <p>The dataset can be iterated once; close it to release the file.
 */
public final class CsvDataset implements Iterable<LabeledRow>, Closeable {

    /** Required name of the last header column. */
    public static final String LABEL_COLUMN = "label";

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final int BUFFER_BYTES = 1 << 16;
    private static final String EXPECTED = "expected a CSV file, plain or gzip-compressed";

    private final String source;
    private final BufferedReader reader;
    private final boolean labeled;
    private final boolean gzip;
    private final List<String> featureNames;
    private final Consumer<RejectedRow> onRejected;
    private final String[] fields;
    private LabelKind labelKind;
    private long lineNumber;
    private long acceptedCount;
    private long rejectedCount;
    private LabeledRow parsed;
    private LabeledRow lookahead;
    private boolean iteratorTaken;

    private CsvDataset(
            String source,
            BufferedReader reader,
            boolean gzip,
            boolean labeled,
            LabelKind labelKind,
            Consumer<RejectedRow> onRejected)
            throws IOException {
        this.source = source;
        this.reader = reader;
        this.gzip = gzip;
        this.labeled = labeled;
        this.labelKind = labelKind;
        this.onRejected = onRejected;
        List<String> header = readHeader();
        boolean labelColumn = LABEL_COLUMN.equals(header.get(header.size() - 1));
        this.featureNames = labelColumn ? header.subList(0, header.size() - 1) : header;
        this.fields = new String[header.size()];
        this.lookahead = readRow();
    }

    /**
     * Opens a CSV file, plain or gzip-compressed.
     *
     * @param labelKind the kind of the label column, or {@code null} to infer it from the first valid
     *     row: an integer label means {@link LabelKind#CLASS}, anything else {@link LabelKind#TARGET}
     * @param onRejected receives every row that was skipped, in file order
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IllegalArgumentException if the header is missing or its last column is not {@code label}
     */
    public static CsvDataset open(Path file, LabelKind labelKind, Consumer<RejectedRow> onRejected) throws IOException {
        return open(file, true, labelKind, onRejected);
    }

    /**
     * Opens a CSV file of rows to score, plain or gzip-compressed: a header of feature columns, optionally followed
     * by a last column {@code label} whose text is not read (any text, empty too). Every row's label is NaN.
     *
     * @param onRejected receives every row that was skipped (wrong column count, a feature that is not a finite
     *     number), in file order
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IllegalArgumentException if the header is missing or has no feature column
     */
    public static CsvDataset openFeatures(Path file, Consumer<RejectedRow> onRejected) throws IOException {
        return open(file, false, null, onRejected);
    }

    private static CsvDataset open(Path file, boolean labeled, LabelKind labelKind, Consumer<RejectedRow> onRejected)
            throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory; " + EXPECTED);
        }
        InputStream in = Files.newInputStream(file);
        try {
            return read(in, file.toString(), labeled, labelKind, onRejected);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads CSV from a stream, plain or gzip-compressed; {@code source} names it in error messages. See
     * {@link #open(Path, LabelKind, Consumer)}.
     */
    public static CsvDataset read(InputStream in, String source, LabelKind labelKind, Consumer<RejectedRow> onRejected)
            throws IOException {
        return read(in, source, true, labelKind, onRejected);
    }

    private static CsvDataset read(
            InputStream in, String source, boolean labeled, LabelKind labelKind, Consumer<RejectedRow> onRejected)
            throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, BUFFER_BYTES);
        boolean gzip = isGzip(buffered);
        try {
            InputStream decoded = gzip ? new GZIPInputStream(buffered, BUFFER_BYTES) : buffered;
            BufferedReader reader = new BufferedReader(new InputStreamReader(decoded, UTF_8), BUFFER_BYTES);
            return new CsvDataset(source, reader, gzip, labeled, labelKind, onRejected);
        } catch (IOException e) {
            throw new IOException(unreadable(source, gzip, e), e);
        }
    }

    /** The message of a read error: the source, why, and what was expected of it. */
    private static String unreadable(String source, boolean gzip, IOException e) {
        return source + ": " + (gzip ? "starts as gzip (bytes 1f 8b) but does not decompress" : "cannot be read") + " ("
                + e.getMessage() + "); " + EXPECTED;
    }

    private static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b;
    }

    /** The file or resource this dataset is read from. */
    public String source() {
        return source;
    }

    /** Names of the feature columns, in order (the header without {@code label}). */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Number of features per row. */
    public int featureCount() {
        return featureNames.size();
    }

    /**
     * Kind of the label column: as given when opened, or inferred from the first valid row ({@link
     * LabelKind#TARGET} when there is none).
     */
    public LabelKind labelKind() {
        return labelKind == null ? LabelKind.TARGET : labelKind;
    }

    /** Rows returned by the iterator so far. */
    public long acceptedCount() {
        return acceptedCount;
    }

    /** Rows skipped so far because they could not be parsed. */
    public long rejectedCount() {
        return rejectedCount;
    }

    /** The rows in file order; can be called once. */
    @Override
    public Iterator<LabeledRow> iterator() {
        if (iteratorTaken) {
            throw new IllegalStateException("a CsvDataset can be iterated once; open " + source + " again");
        }
        iteratorTaken = true;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return lookahead != null;
            }

            @Override
            public LabeledRow next() {
                if (lookahead == null) {
                    throw new NoSuchElementException("no more rows in " + source);
                }
                LabeledRow row = lookahead;
                acceptedCount++;
                try {
                    lookahead = readRow();
                } catch (IOException e) {
                    throw new UncheckedIOException(unreadable(source + " after line " + lineNumber, gzip, e), e);
                }
                return row;
            }
        };
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** The header's column names, the label column included when there is one. */
    private List<String> readHeader() throws IOException {
        String header = reader.readLine();
        lineNumber = 1;
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException(source + ": empty file, expected a header line such as 'x1,x2,label'");
        }
        List<String> names = new ArrayList<>(Arrays.asList(header.split(",", -1)));
        names.replaceAll(String::strip);
        boolean labelColumn = LABEL_COLUMN.equals(names.get(names.size() - 1));
        if (labeled ? names.size() < 2 || !labelColumn : labelColumn && names.size() < 2) {
            throw new IllegalArgumentException(source + ": expected a header with feature columns and '" + LABEL_COLUMN
                    + "' as the last column" + (labeled ? "" : " (optional)") + ", got '" + header + "'");
        }
        return List.copyOf(names);
    }

    /** Returns the next valid row, reporting invalid ones on the way, or null at the end. */
    private LabeledRow readRow() throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String problem = split(line);
            if (problem == null) {
                problem = parse();
            }
            if (problem == null) {
                return parsed;
            }
            rejectedCount++;
            onRejected.accept(new RejectedRow(lineNumber, problem));
        }
        return null;
    }

    /** Splits the line into {@link #fields}; returns the problem, or null if the column count fits. */
    private String split(String line) {
        int count = 0;
        int start = 0;
        while (true) {
            int comma = line.indexOf(',', start);
            int end = comma < 0 ? line.length() : comma;
            if (count < fields.length) {
                fields[count] = line.substring(start, end).strip();
            }
            count++;
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        if (count != fields.length) {
            return "expected " + fields.length + " comma-separated columns as in the header, got " + count;
        }
        return null;
    }

    /** Parses {@link #fields} into {@link #parsed}; returns the problem, or null if the row is valid. */
    private String parse() {
        double[] features = new double[featureNames.size()];
        for (int j = 0; j < features.length; j++) {
            double value = parseFinite(fields[j]);
            if (Double.isNaN(value)) {
                return "column '" + featureNames.get(j) + "': expected a finite number, got '" + fields[j] + "'";
            }
            features[j] = value;
        }
        if (!labeled) {
            parsed = new LabeledRow(lineNumber, features, Double.NaN);
            return null;
        }
        String labelText = fields[features.length];
        double label = parseFinite(labelText);
        if (labelKind == null && !Double.isNaN(label)) {
            labelKind = INTEGER.matcher(labelText).matches() ? LabelKind.CLASS : LabelKind.TARGET;
        }
        if (labelKind == LabelKind.CLASS) {
            if (!(label >= 0 && label <= Integer.MAX_VALUE && label == Math.rint(label))) {
                return "label: expected a class index (an integer >= 0), got '" + labelText + "'";
            }
        } else if (Double.isNaN(label)) {
            return "label: expected a finite number, got '" + labelText + "'";
        }
        parsed = new LabeledRow(lineNumber, features, label);
        return null;
    }

    /** The value of a finite decimal number, or NaN for anything else (including "NaN" and "Infinity"). */
    private static double parseFinite(String text) {
        try {
            double value = Double.parseDouble(text);
            return Double.isFinite(value) ? value : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
