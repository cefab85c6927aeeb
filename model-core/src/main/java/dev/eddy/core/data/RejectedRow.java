package dev.eddy.core.data;

/**
 * A data row that could not be parsed and was skipped.
 *
 * @param lineNumber 1-based line of the row in its source (the header is line 1)
 * @param reason what was wrong and what was expected
 */
public record RejectedRow(long lineNumber, String reason) {

    @Override
    public String toString() {
        return "line " + lineNumber + ": " + reason;
    }
}
