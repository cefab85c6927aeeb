package dev.eddy.ci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's entry point {@code .ci/run}, run for real on a copy in a scratch repository whose {@code mvn}, {@code
 * promtool}, {@code kcat} and {@code chromium} are stand-ins on the {@code PATH} (so nothing is built or installed): it runs the
 * README's test command under a 30-minute limit, lists the skipped tests with their reasons from the Surefire reports
 * even when the build failed, and exits with maven's code. And JUnit gives every test a default timeout.
 */
class CiRunTest {

    private static final Path CI = Path.of("..", ".ci");

    /** A Surefire report with one test passed, one skipped (with its reason) and one failed. */
    private static final String REPORT =
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="a.B" tests="3" errors="0" skipped="1" failures="1">
              <testcase name="passes" classname="a.B" time="0.1"/>
              <testcase name="needsKcat" classname="a.B" time="0"><skipped message="kcat not on the PATH"/></testcase>
              <testcase name="fails" classname="a.B" time="0.1"><failure message="expected 1"/></testcase>
            </testsuite>
            """;

    @TempDir
    Path root;

    @Test
    void runsTheReadmesTestCommandUnderATimeLimitAndListsTheSkippedTestsEvenWhenTheBuildFails() throws Exception {
        Files.createDirectories(root.resolve(".ci"));
        Files.copy(CI.resolve("run"), root.resolve(".ci/run"));
        Files.copy(CI.resolve("SkippedTests.java"), root.resolve(".ci/SkippedTests.java"));
        Path stale = Files.createDirectories(root.resolve("old/target/surefire-reports"));
        Files.writeString(stale.resolve("TEST-a.Old.xml"), REPORT.replace("a.B", "a.Old"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        script(bin, "promtool", "exit 0");
        script(bin, "kcat", "exit 0");
        script(bin, "chromium", "exit 0");
        script(
                bin,
                "mvn",
                """
                tr '\\0' ' ' < /proc/$PPID/cmdline > mvn-parent.txt
                echo "$@" > mvn-args.txt
                mkdir -p mod/target/surefire-reports
                cat > mod/target/surefire-reports/TEST-a.B.xml <<'XML'
                %sXML
                exit 3
                """
                        .formatted(REPORT));

        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve(".ci/run").toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("out.txt").toFile());
        pb.environment()
                .put(
                        "PATH",
                        String.join(
                                File.pathSeparator,
                                bin.toString(),
                                Path.of(System.getProperty("java.home"), "bin").toString(),
                                System.getenv("PATH")));
        pb.environment().put("CI", "true");
        int exit = pb.start().waitFor();
        String out = Files.readString(root.resolve("out.txt"), StandardCharsets.UTF_8);

        assertThat(exit).as(out).isEqualTo(3);
        assertThat(Files.readString(root.resolve("mvn-args.txt")).strip()).isEqualTo("-B verify");
        assertThat(Files.readString(root.resolve("mvn-parent.txt")))
                .as("mvn's parent process")
                .startsWith("timeout ")
                .contains(" 30m mvn -B verify");
        assertThat(out)
                .contains("SKIPPED TESTS (1), with their reasons:\n  a.B.needsKcat: kcat not on the PATH\n")
                .doesNotContain("a.Old")
                .doesNotContain("could not install");
        List<String> lines = out.lines().toList();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("tests: 1 passed, 1 failed, 1 skipped");
    }

    @Test
    @ExtendWith(Context.class)
    void everyTestHasADefaultTimeout(ExtensionContext context) {
        // 10 m unless -Dtest.timeout raises it; at least 5 m, several times the slowest test (about a minute).
        String timeout = context.getConfigurationParameter("junit.jupiter.execution.timeout.default")
                .orElseThrow(() -> new AssertionError("no junit.jupiter.execution.timeout.default"));
        Matcher m = Pattern.compile("(\\d+) ?(m|h|d)").matcher(timeout.strip());
        assertThat(m.matches()).as("'%s' in minutes, hours or days", timeout).isTrue();
        long minutes =
                Long.parseLong(m.group(1)) * Map.of("m", 1, "h", 60, "d", 1440).get(m.group(2));
        assertThat(minutes).isGreaterThanOrEqualTo(5);
    }

    private static void script(Path bin, String name, String body) throws Exception {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Hands the test its {@link ExtensionContext}, to read JUnit's configuration parameters. */
    static final class Context implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == ExtensionContext.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context;
        }
    }
}
