package dev.eddy.tools;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's headless {@code chromium}, found on the {@code PATH}: a page's DOM after its scripts ran
 * ({@code --dump-dom} after {@code --virtual-time-budget}: timers and fetches run for that much page time) and a
 * screenshot. Each run gets a new profile directory, deleted afterwards, and the flags of {@link HeadlessChromium}.
 */
final class Chromium {

    private static final long TIMEOUT_S = 60;

    private final Path executable;

    private Chromium(Path executable) {
        this.executable = executable;
    }

    /** The {@code chromium} on the PATH, if there is one. */
    static Optional<Chromium> find() {
        return HeadlessChromium.find().map(Chromium::new);
    }

    /** The serialized DOM of {@code page} after {@code pageMillis} of page time. */
    String dumpDom(URI page, int pageMillis) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=" + pageMillis, "--dump-dom", page.toString()));
    }

    /** A {@code width}x{@code height} PNG of {@code page} after {@code pageMillis} of page time. */
    void screenshot(URI page, int pageMillis, int width, int height, Path png)
            throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of(
                "--virtual-time-budget=" + pageMillis,
                "--window-size=" + width + "," + height,
                "--hide-scrollbars",
                "--screenshot=" + png.toAbsolutePath(),
                page.toString()));
        if (!Files.exists(png)) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("eddy-chromium");
        Path stdout = Files.createTempFile("eddy-chromium", ".out");
        Path stderr = Files.createTempFile("eddy-chromium", ".log");
        try {
            List<String> command = new ArrayList<>();
            command.add(executable.toString());
            command.addAll(HeadlessChromium.FLAGS);
            command.add("--user-data-dir=" + profile);
            command.addAll(args);
            Process p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish within " + TIMEOUT_S + " s: " + command);
            }
            if (p.exitValue() != 0) {
                throw new IOException("chromium exited with " + p.exitValue() + ": " + command + "\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
