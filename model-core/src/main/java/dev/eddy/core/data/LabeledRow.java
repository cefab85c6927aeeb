package dev.eddy.core.data;

/**
 * One parsed data row: the feature vector x and its label.
 *
 * @param lineNumber 1-based line of the row in its source (the header is line 1)
 * @param features the feature vector x, in column order
 * @param label the class index (an integral value) for {@link LabelKind#CLASS}, the target y for
 *     {@link LabelKind#TARGET}; NaN for a row read without its label ({@link CsvDataset#openFeatures})
 */
public record LabeledRow(long lineNumber, double[] features, double label) {

    /** The label as a class index; only meaningful for {@link LabelKind#CLASS} datasets. */
    public int classLabel() {
        return (int) label;
    }
}
