package dev.eddy.benchmarks.pipeline;

import dev.eddy.app.RunCommand;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code eddy run} instance in a JVM of its own (the benchmark's class path), so that instances compete for the
 * cores as separate processes do and one can be killed ({@code SIGKILL}). Its output goes to a log file, with the
 * Kafka Streams state transitions logged.
 */
final class EddyProcess implements AutoCloseable {

    private static final String METRICS_LINE = "metrics: ";
    private static final Pattern TRANSITION = Pattern.compile("Kafka Streams \\w+ -> (\\w+)");

    private final Process process;
    private final Path log;

    private EddyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code eddy run} with {@code settings} as {@code --set key=value} (bootstrap servers as the flag).
     *
     * @param heap the JVM's {@code -Xmx}, e.g. {@code 512m}
     */
    static EddyProcess start(Map<String, String> settings, Path stateDir, Path log, String heap) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-Dorg.slf4j.simpleLogger.log.dev.eddy.app.EddyApp=info",
                "-cp",
                System.getProperty("java.class.path"),
                RunCommand.class.getName(),
                "--bootstrap-servers",
                settings.get("bootstrap.servers"),
                "--metrics-port",
                "0",
                "--state-dir",
                stateDir.toString()));
        settings.forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                command.add("--set");
                command.add(k + "=" + v);
            }
        });
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new EddyProcess(p, log);
    }

    /** The status API of this instance, {@code /models}, once it printed where it serves. */
    URI modelsUri(Duration timeout) throws IOException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith(METRICS_LINE)) {
                    return URI.create(line.substring(METRICS_LINE.length()).strip())
                            .resolve("/models");
                }
            }
            requireAlive();
            Thread.sleep(50);
        }
        throw new TimeoutException("eddy run did not start within " + timeout + ":\n" + output());
    }

    /** Kafka Streams' state as the last logged transition says ("" before the first). */
    String state() throws IOException {
        Matcher m = TRANSITION.matcher(output());
        String state = "";
        while (m.find()) {
            state = m.group(1);
        }
        return state;
    }

    /** Fails naming the output when the process has exited. */
    void requireAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("eddy run exited with " + process.exitValue() + ":\n" + output());
        }
    }

    /** CPU time the process has used so far, all its threads, in seconds (NaN where the platform does not say). */
    double cpuSeconds() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(d -> d.toNanos() / 1e9)
                .orElse(Double.NaN);
    }

    /** {@code kill -9}. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** {@code SIGTERM} (the clean shutdown), then {@code SIGKILL} after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
