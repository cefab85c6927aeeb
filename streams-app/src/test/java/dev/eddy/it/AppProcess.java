package dev.eddy.it;

import dev.eddy.app.RunCommand;
import dev.eddy.cli.Eddy;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code eddy run} ({@link RunCommand}) in a separate JVM on the test's class path, so that it can be killed for
 * real: {@link #kill()} sends SIGKILL ({@code Process.destroyForcibly()} on Linux), {@link #stop()} SIGTERM (a clean
 * shutdown). Standard output and error go to a log file. {@link #close()} kills the process if it still runs.
 */
public final class AppProcess implements AutoCloseable {

    /** Exit status of a JVM shut down by SIGTERM after its shutdown hooks ran: 128 + 15. */
    public static final int EXIT_SIGTERM = 143;

    private static final String METRICS_LINE = "metrics: ";

    private final Process process;
    private final Path log;
    private final long started;

    private AppProcess(Process process, Path log, long started) {
        this.process = process;
        this.log = log;
        this.started = started;
    }

    /** Starts {@code eddy run args...}; output goes to {@code log}. */
    public static AppProcess start(Path log, List<String> args) throws IOException {
        return start(log, List.of(), args);
    }

    /**
     * Starts {@code java jvmOptions... RunCommand args...}; the options follow the defaults ({@code -Xmx384m}, serial
     * GC), so a later {@code -Xmx} or a log level property ({@code -Dorg.slf4j.simpleLogger.log.<logger>=info})
     * wins.
     */
    public static AppProcess start(Path log, List<String> jvmOptions, List<String> args) throws IOException {
        return start(log, jvmOptions, RunCommand.class, args);
    }

    /**
     * Starts the whole command line, {@code eddy args...} ({@link Eddy}), e.g. {@code run --verbose ...}, with the
     * defaults of {@link #start(Path, List, List)}.
     */
    public static AppProcess eddy(Path log, List<String> args) throws IOException {
        return eddy(log, List.of(), args);
    }

    /** Starts {@code java jvmOptions... Eddy args...}, with the defaults of {@link #start(Path, List, List)}. */
    public static AppProcess eddy(Path log, List<String> jvmOptions, List<String> args) throws IOException {
        return start(log, jvmOptions, Eddy.class, args);
    }

    private static AppProcess start(Path log, List<String> jvmOptions, Class<?> main, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        long started = System.nanoTime();
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new AppProcess(p, log, started);
    }

    /** {@link System#nanoTime()} just before the process was launched. */
    public long startedNanos() {
        return started;
    }

    /**
     * Waits until the output has a line containing {@code text}, polling every 5 ms (so a kill can follow a log
     * line closely).
     *
     * @return false when the process exited or {@code timeout} passed first
     */
    public boolean awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            StringBuilder pending = new StringBuilder();
            byte[] buffer = new byte[64 << 10];
            while (System.nanoTime() < deadline) {
                int n = file.read(buffer);
                if (n > 0) {
                    pending.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (pending.indexOf(text) >= 0) {
                        return true;
                    }
                    // keep a tail in case the text straddles two reads
                    pending.delete(0, Math.max(0, pending.length() - text.length()));
                    continue;
                }
                if (!process.isAlive()) {
                    return false;
                }
                Thread.sleep(5);
            }
            return false;
        }
    }

    /** Waits until the application printed where its metrics are served, i.e. it started. */
    public URI awaitMetricsUri(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith(METRICS_LINE)) {
                    return URI.create(line.substring(METRICS_LINE.length()).strip());
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("eddy run exited with " + process.exitValue() + ":\n" + log());
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("eddy run did not start within " + timeout + ":\n" + log());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for a command that ends by itself (e.g. {@code eddy produce}).
     *
     * @return its exit status
     * @throws IllegalStateException, after killing it, when it still runs after {@code timeout}
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IllegalStateException("the command did not end within " + timeout + ":\n" + log());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no FINAL snapshot, an open transaction is left to abort. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * SIGTERM: the clean shutdown (FINAL snapshots, commit).
     *
     * @return the exit status, {@link #EXIT_SIGTERM} when the shutdown hooks completed
     */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IllegalStateException("eddy run did not stop within " + timeout + " of SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    /** What the process printed so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
