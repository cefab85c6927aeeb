package dev.eddy.report;

import dev.eddy.cli.BundledDatasetConverter;
import dev.eddy.cli.DatasetLabelKind;
import dev.eddy.core.data.BundledDataset;
import dev.eddy.core.data.CsvDataset;
import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.data.RejectedRow;
import dev.eddy.core.schedule.LrRangeTest;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eddy lr-find}: Smith's learning-rate range test ({@link Trainer#lrRangeTest}) on a CSV file or a bundled
 * dataset, the plot of loss against learning rate, and the suggested rate.
 */
@Command(
        name = "lr-find",
        mixinStandardHelpOptions = true,
        header = "Learning-rate range test: the loss against a growing rate, and a suggested rate.",
        description = {
            "Learning-rate range test: train a copy of the model while the rate grows exponentially from",
            "--min-lr to --max-lr, plot the loss against the rate (log scale) and print the suggested rate",
            "(the rate at the smoothed-loss minimum / 10). Rows are shuffled (seeded) first."
        })
public final class LrFindCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--csv", paramLabel = "FILE", description = "CSV file with a header, last column 'label'.")
        Path csv;

        @Option(
                names = "--dataset",
                paramLabel = "NAME",
                converter = BundledDatasetConverter.class,
                description = "Bundled dataset: digits, breast-cancer, diabetes.")
        BundledDataset dataset;
    }

    @Option(
            names = "--label-kind",
            paramLabel = "KIND",
            description = {
                "CSV label column: ${COMPLETION-CANDIDATES}. Default: class if the first row's label is an integer,",
                "else target. Not with --dataset: a bundled dataset has its own."
            })
    LabelKind labelKind;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = {
                "Properties file with the model's trainer keys (input-size, layers, optimizer, batch-size, ...),",
                "bare or as model.<id>.<key>. Default: one hidden layer of 64 relu units."
            })
    Path model;

    @Option(names = "--min-lr", defaultValue = "1e-6", description = "First rate (default: ${DEFAULT-VALUE}).")
    double minLr;

    @Option(names = "--max-lr", defaultValue = "1", description = "Last rate (default: ${DEFAULT-VALUE}).")
    double maxLr;

    @Option(
            names = "--steps",
            defaultValue = "200",
            description = "Training steps at most (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the row shuffle (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--plot",
            paramLabel = "PNG",
            defaultValue = "lr-find.png",
            description = "Where the plot is written; .png is appended when missing (default: ${DEFAULT-VALUE}).")
    Path plot;

    @Override
    public Integer call() throws Exception {
        if (input.dataset != null && labelKind != null) {
            throw DatasetLabelKind.refused(
                    spec.commandLine(), "--csv", input.dataset.cliName(), input.dataset.labelKind());
        }
        PrintWriter out = spec.commandLine().getOut();
        List<LabeledRow> rows = new ArrayList<>();
        long[] rejected = {0};
        RejectedRow[] firstRejected = {null};
        Consumer<RejectedRow> onRejected = r -> {
            if (rejected[0]++ == 0) {
                firstRejected[0] = r;
            }
        };
        String source;
        LabelKind kind;
        try (CsvDataset data = input.csv != null
                ? CsvDataset.open(input.csv, labelKind, onRejected)
                : input.dataset.open(onRejected)) {
            data.forEach(rows::add);
            source = data.source();
            kind = data.labelKind();
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(source + " has no valid rows (" + rejected[0] + " rejected"
                    + (firstRejected[0] == null ? "" : "; first: " + firstRejected[0]) + ")");
        }
        shuffle(rows, new SplittableRandom(seed));
        double[][] x = new double[rows.size()][];
        double[] y = new double[rows.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rows.get(i).features();
            y[i] = rows.get(i).label();
        }
        TrainerConfig config = config(x[0].length, kind, y);
        LrRangeTest.Result r = Trainer.create(config).lrRangeTest(x, y, minLr, maxLr, steps);
        double minimumRate = r.rates()[r.minimumIndex()];
        // The plot is a PNG: a name without the extension gets it, and the name printed is the file written.
        Path png = plot.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")
                ? plot
                : plot.resolveSibling(plot.getFileName() + ".png");
        boolean written = Plots.write(
                png,
                Plots.Chart.of("Learning-rate range test: " + source, "learning rate (log scale)", "loss")
                        .withLogX()
                        .withLogY()
                        .withMarker(r.suggestedRate(), "suggested rate"),
                List.of(
                        new Plots.Series("mini-batch loss", r.rates(), r.losses()),
                        new Plots.Series("smoothed loss", r.rates(), r.smoothedLosses())));
        if (!written) {
            throw new IllegalStateException(
                    "no loss to plot (every step's loss was not finite or not positive); nothing written to " + png);
        }
        out.printf(
                Locale.ROOT,
                "%s: %d rows (%d rejected), model %s, optimizer %s, batch size %d%n",
                source,
                rows.size(),
                rejected[0],
                config.toProperties().get("layers"),
                config.optimizer(),
                config.batchSize());
        out.printf(
                Locale.ROOT,
                "%d steps from %.3g to %.3g%s; smoothed loss lowest (%.4g) at rate %.3g%n",
                r.length(),
                minLr,
                r.rates()[r.length() - 1],
                r.diverged() ? " (stopped: the loss diverged)" : "",
                r.smoothedLosses()[r.minimumIndex()],
                minimumRate);
        out.printf(Locale.ROOT, "suggested learning rate: %.3g%n", r.suggestedRate());
        out.println("plot: " + png.toAbsolutePath());
        out.flush();
        return 0;
    }

    /** The trainer configuration: --model's keys, or a default network sized for the data. */
    private TrainerConfig config(int features, LabelKind kind, double[] labels) throws IOException {
        Map<String, String> keys = new HashMap<>();
        if (model != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(model, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            Set<String> ids = new TreeSet<>();
            for (String key : p.stringPropertyNames()) {
                int idEnd = key.startsWith("model.") ? key.indexOf('.', "model.".length()) : -1;
                if (idEnd > 0) {
                    ids.add(key.substring("model.".length(), idEnd));
                }
                keys.put(idEnd > 0 ? key.substring(idEnd + 1) : key, p.getProperty(key));
            }
            // The keys of two models would be merged into one network that is neither.
            if (ids.size() > 1) {
                throw new IllegalArgumentException("--model " + model + " configures " + ids.size() + " models ("
                        + String.join(", ", ids) + "); expected the keys of one model, bare or as model.<id>.<key>");
            }
        }
        keys.putIfAbsent("input-size", Integer.toString(features));
        keys.putIfAbsent("layers", defaultLayers(kind, labels));
        keys.putIfAbsent("early-stopping.enabled", "false");
        try {
            return TrainerConfig.fromProperties(TrainerConfig.withNewModelDefaults(keys));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model " + model + ": " + e.getMessage(), e);
        }
    }

    /** 64 relu units, then softmax over K classes (K = largest label + 1), or one linear unit for a target. */
    static String defaultLayers(LabelKind kind, double[] labels) {
        if (kind == LabelKind.TARGET) {
            return "64:relu,1:linear";
        }
        int classes = 0;
        for (double label : labels) {
            classes = Math.max(classes, (int) label + 1);
        }
        return "64:relu," + (classes <= 2 ? "1:sigmoid" : classes + ":softmax");
    }

    /** Fisher–Yates shuffle. */
    private static void shuffle(List<LabeledRow> rows, SplittableRandom random) {
        for (int i = rows.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            rows.set(j, rows.set(i, rows.get(j)));
        }
    }
}
