package dev.eddy.lifecycle;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serving.SnapshotModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eddy export}: writes a snapshot's model in model-core's export format. */
@Command(
        name = "export",
        // Not the standard help mixin: its -V/--version would take --version N, the snapshot version.
        mixinStandardHelpOptions = false,
        header = "Write a model snapshot to a file that model-core loads without Kafka.",
        description = {
            "Write a model snapshot to a file that model-core loads without Kafka:",
            "  InferenceModel m = InferenceModel.fromBytes(Files.readAllBytes(path)); m.predict(x);",
            "Default: the newest accepted snapshot of the model."
        })
public final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SnapshotTopicOptions source;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--model", required = true, paramLabel = "ID", description = "Model to export.")
    String model;

    @Option(names = "--version", paramLabel = "N", description = "Snapshot version (accepted or not).")
    Long version;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "File to write.")
    Path out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter w = spec.commandLine().getOut();
        EddyConfig config = source.config();
        ModelSnapshot s = source.read(
                        config, version == null ? Set.of() : Set.of(new SnapshotLog.Named(model, version)))
                .accepted(model, version)
                .orElse(null);
        if (s == null) {
            spec.commandLine()
                    .getErr()
                    .println("no " + (version == null ? "accepted snapshot" : "snapshot version " + version)
                            + " of model '" + model + "' in " + config.topics().snapshots()
                            + " (see: eddy snapshots --model " + model
                            + ")");
            return 1;
        }
        InferenceModel m = SnapshotModels.inferenceModel(s);
        byte[] bytes = m.toBytes();
        Files.write(out, bytes);
        w.printf(
                "wrote %s v%d (%s, %d inputs, layers %s, %d parameters) to %s, %d bytes%n",
                s.getModelId(),
                s.getVersion(),
                m.loss(),
                m.inputSize(),
                m.layers(),
                m.parameterCount(),
                out,
                bytes.length);
        w.flush();
        return 0;
    }
}
