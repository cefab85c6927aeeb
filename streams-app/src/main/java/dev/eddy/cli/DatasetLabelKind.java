package dev.eddy.cli;

import dev.eddy.core.data.LabelKind;
import java.util.Locale;
import picocli.CommandLine;

/**
 * {@code --label-kind} says how to read a file's labels; a bundled dataset or a generator has labels of its own kind,
 * and reading them as the other would train a wrong model, so every command refuses the flag with one.
 */
public final class DatasetLabelKind {

    private DatasetLabelKind() {}

    /**
     * The usage error for {@code --label-kind} given with {@code dataset}.
     *
     * @param files the flags {@code --label-kind} applies to, e.g. {@code "--csv"}
     */
    public static CommandLine.ParameterException refused(
            CommandLine commandLine, String files, String dataset, LabelKind own) {
        return new CommandLine.ParameterException(
                commandLine,
                "--label-kind applies to " + files + "; the bundled dataset " + dataset + " has its own label kind ("
                        + own.name().toLowerCase(Locale.ROOT) + ")");
    }
}
