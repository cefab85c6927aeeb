package dev.eddy.lifecycle;

import dev.eddy.core.data.CsvDataset;
import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.metrics.RegressionMetrics;
import dev.eddy.core.prune.MagnitudePruning;
import dev.eddy.core.prune.PruningScope;
import dev.eddy.core.prune.Sparsity;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.schema.Prediction;
import dev.eddy.serving.ServingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eddy prune}: one-shot magnitude pruning of a file written by {@code eddy export} (see {@link
 * MagnitudePruning}), written back in the same (dense) export format. With {@code --csv} the model is scored on
 * every row of the file before and after: accuracy for a classifier, RMSE for an {@code mse} model, the predicted
 * class or value read from the outputs as the scorer does ({@link ServingModel}).
 */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        header = "Prune the smallest kernel weights of an exported model to a target sparsity.",
        description = {
            "Set the smallest kernel weights of an exported model to 0 (magnitude pruning, TFMOT semantics) until",
            "each layer's kernel (--scope layer) or all kernels together (--scope global) reach the sparsity.",
            "Biases and batch-norm parameters are never pruned. Prints each layer's sparsity; with --csv, the",
            "accuracy (RMSE for a regression model) on every row of the file before and after."
        })
public final class PruneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Model written by 'eddy export'.")
    Path in;

    @Option(
            names = "--sparsity",
            required = true,
            paramLabel = "S",
            description = "Fraction of kernel weights set to 0, in [0, 1), e.g. 0.9.")
    double sparsity;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "File to write the pruned model to.")
    Path out;

    @Option(
            names = "--scope",
            paramLabel = "SCOPE",
            defaultValue = "layer",
            converter = ScopeConverter.class,
            description = "layer: each kernel reaches the sparsity; global: one threshold over all kernels."
                    + " Default: ${DEFAULT-VALUE}.")
    PruningScope scope;

    @Option(
            names = "--csv",
            paramLabel = "FILE",
            description = "Score before and after on every row of this CSV (header, features, last column 'label').")
    Path csv;

    @Option(
            names = "--label-kind",
            paramLabel = "KIND",
            description = "CSV label column: ${COMPLETION-CANDIDATES}. Default: TARGET for an mse model, else CLASS.")
    LabelKind labelKind;

    @Override
    public Integer call() throws IOException {
        MagnitudePruning pruning;
        try {
            pruning = new MagnitudePruning(sparsity, scope);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sparsity: " + e.getMessage());
        }
        InferenceModel model = read(in);
        List<LabeledRow> rows = csv == null ? List.of() : rows(model);
        InferenceModel pruned = pruning.prune(model);
        byte[] bytes = pruned.toBytes();
        Files.write(out, bytes);

        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "pruned %s to sparsity %s (scope %s), layers %s%n", in, sparsity, scope, model.layers());
        List<Dense> layers = pruned.network().layers();
        for (int l = 0; l < layers.size(); l++) {
            double[] kernel = layers.get(l).kernel().value();
            w.printf(
                    Locale.ROOT,
                    "  layer %d kernel %dx%d: %d of %d weights zero, sparsity %.4f%n",
                    l,
                    layers.get(l).inputs(),
                    layers.get(l).units(),
                    Sparsity.zeros(kernel),
                    kernel.length,
                    Sparsity.of(kernel));
        }
        w.printf(Locale.ROOT, "  all kernels: sparsity %.4f%n", Sparsity.overall(pruned.network()));
        if (csv != null) {
            String metric = regression(model) ? "rmse" : "accuracy";
            w.printf(
                    Locale.ROOT,
                    "%s on %s (%d rows): before %.4f, after %.4f%n",
                    metric,
                    csv,
                    rows.size(),
                    score(model, rows),
                    score(pruned, rows));
        }
        w.printf(Locale.ROOT, "wrote %s, %d bytes%n", out, bytes.length);
        w.flush();
        return 0;
    }

    /** The export in {@code file}; anything else is one error naming the file. */
    private static InferenceModel read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        InferenceModel model;
        try {
            model = InferenceModel.fromBytes(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a model written by 'eddy export': " + e.getMessage(), e);
        }
        if (model.members() > 1) {
            throw new IllegalArgumentException(file + " is an ensemble of " + model.members()
                    + " networks; eddy prune prunes a model of one network (export a model trained without ensemble)");
        }
        return model;
    }

    private static boolean regression(InferenceModel model) {
        return model.loss().equals("mse");
    }

    private List<LabeledRow> rows(InferenceModel model) throws IOException {
        LabelKind kind = labelKind != null ? labelKind : regression(model) ? LabelKind.TARGET : LabelKind.CLASS;
        PrintWriter err = spec.commandLine().getErr();
        List<LabeledRow> rows = new ArrayList<>();
        try (CsvDataset data = CsvDataset.open(csv, kind, r -> err.println(csv + ": skipping " + r))) {
            if (data.featureCount() != model.inputSize()) {
                throw new IllegalArgumentException(csv + " has " + data.featureCount() + " feature columns, the model "
                        + in + " expects " + model.inputSize());
            }
            data.forEach(rows::add);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(csv + " has no valid rows to score");
        }
        return rows;
    }

    /** Accuracy (#{ŷ class = y} / N) or RMSE (√(Σ(ŷ − y)²/N)) of {@code model} on {@code rows}. */
    private static double score(InferenceModel model, List<LabeledRow> rows) {
        ServingModel scorer = new ServingModel("prune", -1, model);
        DMatrixRMaj y = new DMatrixRMaj(rows.size(), 1);
        DMatrixRMaj yHat = new DMatrixRMaj(rows.size(), 1);
        long correct = 0;
        for (int r = 0; r < rows.size(); r++) {
            Prediction p = scorer.score(
                    Long.toString(rows.get(r).lineNumber()), rows.get(r).features(), 0);
            if (p.getPredictedValue() != null) {
                y.data[r] = rows.get(r).label();
                yHat.data[r] = p.getPredictedValue();
            } else if (p.getPredictedClass() == rows.get(r).label()) {
                correct++;
            }
        }
        return regression(model) ? RegressionMetrics.rootMeanSquaredError(y, yHat) : (double) correct / rows.size();
    }

    /** {@code --scope}: {@link PruningScope#parse}, its message on a bad value. */
    static final class ScopeConverter implements CommandLine.ITypeConverter<PruningScope> {
        @Override
        public PruningScope convert(String value) {
            try {
                return PruningScope.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
