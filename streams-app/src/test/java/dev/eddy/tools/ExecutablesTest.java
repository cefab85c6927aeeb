package dev.eddy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {

    @TempDir
    Path dir;

    @Test
    void theFirstExecutableOfThatNameOnThePathWins() throws Exception {
        Path notExecutable = Files.createDirectories(dir.resolve("a"));
        Files.writeString(notExecutable.resolve("promtool"), "");
        Path first = tool(Files.createDirectories(dir.resolve("b")), "promtool");
        Path second = tool(Files.createDirectories(dir.resolve("c")), "promtool");
        String path = String.join(
                File.pathSeparator,
                "",
                dir.resolve("missing").toString(),
                notExecutable.toString(),
                first.getParent().toString(),
                second.getParent().toString());

        assertThat(Executables.find("promtool", path)).hasValue(first);
        assertThat(Executables.find("kcat", path)).isEmpty();
        assertThat(Executables.find("promtool", null)).isEmpty();
    }

    @Test
    void findsWhatTheShellFinds() throws Exception {
        Process which = new ProcessBuilder("sh", "-c", "command -v sh").start();
        String shell = new String(which.getInputStream().readAllBytes()).strip();
        assertThat(which.waitFor()).isZero();
        assertThat(Executables.onPath("sh")).hasValue(Path.of(shell));
    }

    private static Path tool(Path dir, String name) throws Exception {
        return Files.createFile(
                dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
}
