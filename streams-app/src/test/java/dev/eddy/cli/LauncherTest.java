package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/eddy} gives each command a heap, and {@code EDDY_JAVA_OPTS} overrides it; it runs the {@code java} of
 * {@code JAVA_HOME} when set. The launcher runs in a copy of the repository layout with a stand-in {@code java} first
 * on the {@code PATH} that prints its arguments.
 */
class LauncherTest {

    /** The launcher, relative to the streams-app module (the tests' working directory). */
    private static final Path LAUNCHER = Path.of("..", "bin", "eddy");

    @TempDir
    Path dir;

    private Path launcher;
    private Path fakeBin;

    @BeforeEach
    void copyTheLauncherBesideAJarAndAJavaThatPrintsItsArguments() throws IOException {
        launcher = dir.resolve("bin").resolve("eddy");
        Files.createDirectories(launcher.getParent());
        Files.copy(LAUNCHER, launcher);
        Path jar = dir.resolve("streams-app").resolve("target").resolve("eddy.jar");
        Files.createDirectories(jar.getParent());
        Files.createFile(jar);
        fakeBin = dir.resolve("fake-bin");
        Files.createDirectories(fakeBin);
        Path java = fakeBin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The arguments {@code bin/eddy args...} passes to java, with {@code EDDY_JAVA_OPTS} set when not null. */
    private List<String> javaArguments(String javaOpts, String... args) throws Exception {
        Process p = launch(javaOpts, null, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    /** {@code bin/eddy args...} started with {@code EDDY_JAVA_OPTS} and {@code JAVA_HOME} set when not null. */
    private Process launch(String javaOpts, Path javaHome, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PATH", fakeBin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.remove("EDDY_JAVA_OPTS");
        env.remove("JAVA_HOME");
        if (javaOpts != null) {
            env.put("EDDY_JAVA_OPTS", javaOpts);
        }
        if (javaHome != null) {
            env.put("JAVA_HOME", javaHome.toString());
        }
        return builder.start();
    }

    /** The heap java gets: the last {@code -Xmx} wins. */
    private static String heap(List<String> javaArguments) {
        return javaArguments.stream()
                .filter(a -> a.startsWith("-Xmx"))
                .reduce((a, b) -> b)
                .orElse("none");
    }

    @Test
    void eachCommandGetsAHeap() throws Exception {
        assertThat(heap(javaArguments(null, "demo"))).isEqualTo("-Xmx384m");
        assertThat(heap(javaArguments(null, "--verbose", "run", "--config", "x")))
                .isEqualTo("-Xmx1g");
        assertThat(heap(javaArguments(null, "broker"))).isEqualTo("-Xmx512m");
        assertThat(heap(javaArguments(null, "produce", "--dataset", "digits"))).isEqualTo("-Xmx384m");
        assertThat(heap(javaArguments(null, "--help"))).isEqualTo("-Xmx384m");
        assertThat(javaArguments(null, "demo", "--examples", "5"))
                .endsWith(
                        "-jar",
                        dir.resolve("streams-app/target/eddy.jar").toRealPath().toString(),
                        "demo",
                        "--examples",
                        "5");
    }

    @Test
    void eddyJavaOptsOverridesTheHeap() throws Exception {
        List<String> args = javaArguments("-Xmx2g -Deddy.kernel=openblas", "demo");
        assertThat(heap(args)).isEqualTo("-Xmx2g");
        assertThat(args).contains("-Deddy.kernel=openblas");
    }

    @Test
    void javaHomeNamesTheJava() throws Exception {
        Path home = dir.resolve("jdk");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/java"), "#!/bin/sh\necho java-home \"$@\"\n");
        Files.setPosixFilePermissions(home.resolve("bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Process p = launch(null, home, "demo");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).startsWith("java-home -Xmx384m");

        Process missing = launch(null, dir.resolve("no-jdk"), "demo");
        String error = new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(missing.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.exitValue()).isEqualTo(1);
        assertThat(error).contains("JAVA_HOME=" + dir.resolve("no-jdk")).contains("has no bin/java");
    }
}
