package dev.eddy.evaluate;

import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabelKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The streams of a prequential evaluation, as options of a command ({@code eddy evaluate}, the benchmarks' MOA
 * peers): CSV files and bundled datasets or generators, each read in file order, a pass per learner ({@link FileOrderStream}).
 */
public final class StreamOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--csv", paramLabel = "FILE", description = "A CSV stream (header, last column 'label', gzip ok).")
    List<Path> csv = new ArrayList<>();

    @Option(
            names = "--label-kind",
            paramLabel = "KIND",
            description =
                    "CSV label column: ${COMPLETION-CANDIDATES}. Default: class if the first label is an integer.")
    LabelKind labelKind;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = "A bundled dataset or generator: digits, breast-cancer, diabetes, hyperplane, sea, agrawal.")
    List<String> datasets = new ArrayList<>();

    @Option(
            names = "--examples",
            paramLabel = "N",
            defaultValue = "100000",
            description = "Examples of each generator (default: ${DEFAULT-VALUE}).")
    long examples;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generators (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--drift-every",
            paramLabel = "N",
            defaultValue = "10000",
            description = "Examples between abrupt drifts of sea and agrawal, 0 = none (default: ${DEFAULT-VALUE}).")
    long driftEvery;

    /**
     * The streams: the CSV files, then the datasets, in the order given.
     *
     * @throws CommandLine.ParameterException when no stream is given, two have one name or a count is out of range
     * @throws IllegalArgumentException naming the file and line of a bad row, or an unknown dataset
     */
    public List<FileOrderStream> streams() throws IOException {
        if (csv.isEmpty() && datasets.isEmpty()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "give at least one --csv FILE or --dataset NAME");
        }
        if (examples < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--examples must be at least 1, got " + examples);
        }
        if (driftEvery < 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--drift-every must be at least 0, got " + driftEvery);
        }
        refuseSameNames();
        List<FileOrderStream> streams = new ArrayList<>();
        for (Path file : csv) {
            streams.add(FileOrderStream.csv(file, labelKind));
        }
        for (String name : datasets) {
            streams.add(FileOrderStream.dataset(name, examples, seed, driftEvery));
        }
        return streams;
    }

    /** Streams of one name would share a row of the report and a plot: refused before any is read. */
    private void refuseSameNames() {
        Map<String, String> byName = new HashMap<>();
        for (Path file : csv) {
            refuseSameName(byName, FileOrderStream.nameOf(file), "--csv " + file);
        }
        for (String name : datasets) {
            refuseSameName(byName, name.toLowerCase(Locale.ROOT), "--dataset " + name);
        }
    }

    private void refuseSameName(Map<String, String> byName, String name, String stream) {
        String other = byName.putIfAbsent(name, stream);
        if (other != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    other + " and " + stream + " are both named '" + name + "' in the report; expected streams with"
                            + " distinct names (copy or link a file under another name)");
        }
    }
}
