package dev.eddy.io;

import dev.eddy.schema.Example;
import java.io.Closeable;
import java.util.Iterator;

/**
 * A file or bundled dataset read as {@link Example} records, one pass, in order. Rows that cannot be
 * parsed are reported to the callback given at opening, and skipped.
 */
public interface ExampleSource extends Iterator<Example>, Closeable {

    /** What is read, e.g. a file path, for messages. */
    String description();

    /**
     * The source's name: the file name without {@code .gz}, {@code .csv}, {@code .jsonl} or {@code .json}, or the
     * bundled dataset's {@code --dataset} name; the prefix of the example ids it makes up ({@code <name>:<line>}).
     */
    String name();

    /** Rows skipped so far because they could not be parsed. */
    long rejectedCount();
}
