package dev.eddy.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} and {@code --set key=value} options of every command that talks to Kafka, so that
 * {@code eddy run} and the client commands read one file. Precedence, highest first: a command's own flag (e.g.
 * {@code --bootstrap-servers}, {@code --topic}), {@code --set}, the file, the default.
 */
public final class ConfigOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Configuration (properties file), the same file as eddy run's: bootstrap.servers, topic.*,"
                    + " snapshot.max-bytes and kafka.* (security settings, client.id, ...) reach the Kafka clients.")
    Path file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Configuration override, applied after --config; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The application's configuration ({@link EddyConfig#load}): {@code flags} over {@code --set} over the file. */
    public EddyConfig application(Map<String, String> flags) {
        return EddyConfig.load(file, merged(flags));
    }

    /** A client command's configuration ({@link EddyConfig#forClients}): {@code flags} over {@code --set} over the file. */
    public EddyConfig clients(Map<String, String> flags) {
        return EddyConfig.forClients(file, merged(flags));
    }

    private Map<String, String> merged(Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(overrides);
        all.putAll(flags);
        return all;
    }

    /**
     * The configuration keys of the flags given on a command line: {@code keysAndValues} alternates a key and the
     * flag's value, null when the flag was not given (then the key is left out, so {@code --set}, the file or the
     * default decides).
     */
    public static Map<String, String> flags(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected key, value pairs, got " + keysAndValues.length + " strings");
        }
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                flags.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return flags;
    }
}
