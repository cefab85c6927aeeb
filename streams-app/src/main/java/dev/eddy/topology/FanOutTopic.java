package dev.eddy.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The fan-out topic {@code <application.id>-eddy-fan-out} of {@code routing=direct} on partitioned input, with as
 * many partitions as the input topics. A record that several models need (an example that names no model, a command
 * for {@code *} or for a model of another partition) is checked in the task that reads it, trained there by the
 * models of that task, and written once to the fan-out partition of each other task that hosts a model accepting
 * it, never once per model. The task of that partition reads it back and routes it to its own models.
 *
 * <p>A fan-out record: key = the partition it is for (int32), value = the original record's value unchanged, and
 * for a record of the holdout or commands topic the header {@value #SOURCE} ({@code holdout}, {@code commands}); a
 * record without it comes from the examples topic. The trainers of a spread search ({@link TrialPlacement}) write
 * their {@link SearchMessage}s to it too, with the header {@code search}.
 */
public final class FanOutTopic {

    /** Appended to the application id: the topic's name. */
    public static final String SUFFIX = "-eddy-fan-out";
    /** The header that names the input topic a copy comes from, when it is not the examples topic. */
    static final String SOURCE = "eddy.fan-out.source";

    /** The input topic a fan-out record was read from. */
    enum Source {
        EXAMPLES,
        HOLDOUT,
        COMMANDS,
        /** Not an input topic: a message between the tasks of a spread search ({@link SearchMessage}). */
        SEARCH;

        /** The headers of a copy from this source: none for the examples topic, to keep the copy small. */
        Headers headers() {
            Headers headers = new RecordHeaders();
            if (this != EXAMPLES) {
                headers.add(SOURCE, name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            }
            return headers;
        }

        /**
         * The source named in {@code headers}; examples when none is.
         *
         * @throws IllegalArgumentException naming a header value that is no source
         */
        static Source of(Headers headers) {
            Header h = headers.lastHeader(SOURCE);
            if (h == null) {
                return EXAMPLES;
            }
            String name = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
            for (Source s : values()) {
                if (s.name().equals(name.toUpperCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("header '" + SOURCE + "' is '" + name + "'; expected one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }

    private FanOutTopic() {}

    /** The fan-out topic of application {@code applicationId}. */
    public static String of(String applicationId) {
        return applicationId + SUFFIX;
    }
}
