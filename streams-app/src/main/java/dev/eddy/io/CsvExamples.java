package dev.eddy.io;

import dev.eddy.core.data.BundledDataset;
import dev.eddy.core.data.CsvDataset;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.data.RejectedRow;
import dev.eddy.schema.Example;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Examples from a CSV dataset (see {@link CsvDataset}): the example id is {@code <name>:<line>}, the one
 * {@code eddy evaluate} gives the same row ({@link FileOrderStream#exampleId(String, long)}; a bundled dataset is named
 * as {@code --dataset} spells it, e.g. {@code breast-cancer}), the label goes to {@code classLabel} or {@code target} by
 * the dataset's {@link LabelKind}.
 */
public final class CsvExamples implements ExampleSource {

    private final CsvDataset dataset;
    private final Iterator<LabeledRow> rows;
    private final String idPrefix;
    private final String modelId;

    private CsvExamples(CsvDataset dataset, String idPrefix, String modelId) {
        this.dataset = dataset;
        this.rows = dataset.iterator();
        this.idPrefix = idPrefix;
        this.modelId = modelId;
    }

    /**
     * Opens a CSV file (plain or gzip).
     *
     * @param labelKind kind of the label column, or null to infer it from the first row
     * @param modelId model id written into every example, or null for the application's default model
     */
    public static CsvExamples open(Path file, LabelKind labelKind, String modelId, Consumer<RejectedRow> onRejected)
            throws IOException {
        return new CsvExamples(CsvDataset.open(file, labelKind, onRejected), FileOrderStream.nameOf(file), modelId);
    }

    /** Opens a dataset bundled with Eddy. */
    public static CsvExamples open(BundledDataset dataset, String modelId, Consumer<RejectedRow> onRejected)
            throws IOException {
        return new CsvExamples(dataset.open(onRejected), dataset.cliName(), modelId);
    }

    /** The CSV's label kind (given or inferred). */
    public LabelKind labelKind() {
        return dataset.labelKind();
    }

    @Override
    public String description() {
        return dataset.source();
    }

    @Override
    public String name() {
        return idPrefix;
    }

    @Override
    public long rejectedCount() {
        return dataset.rejectedCount();
    }

    @Override
    public boolean hasNext() {
        return rows.hasNext();
    }

    @Override
    public Example next() {
        LabeledRow row = rows.next();
        boolean isClass = dataset.labelKind() == LabelKind.CLASS;
        return Example.newBuilder()
                .setId(FileOrderStream.exampleId(idPrefix, row.lineNumber()))
                .setModelId(modelId)
                .setFeatures(Doubles.asList(row.features()))
                .setClassLabel(isClass ? row.classLabel() : null)
                .setTarget(isClass ? null : row.label())
                .setEventTime(Instant.now())
                .build();
    }

    @Override
    public void close() throws IOException {
        dataset.close();
    }
}
