package dev.eddy.tools;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a real tool ({@code promtool}, {@code kcat}) as the shell does: the first executable file of that name in
 * the directories of {@code PATH}, so that the tests run it wherever the machine installed it (a distribution
 * package, {@code /usr/local/bin}, a user's own directory), not only at one hard-coded path.
 */
public final class Executables {

    private Executables() {}

    /** {@code name} on this process's {@code PATH}, or empty. */
    public static Optional<Path> onPath(String name) {
        return find(name, System.getenv("PATH"));
    }

    /** {@code name} in the first directory of {@code path} (entries separated by {@link File#pathSeparator}). */
    static Optional<Path> find(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue; // an empty entry means the working directory, which a test must not depend on
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
