package dev.eddy.core.golden;

/** A golden file this implementation cannot run (wrong format, unknown kind, name or field): a failure. */
final class GoldenFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GoldenFormatException(String message) {
        super(message);
    }
}
