package dev.eddy.evaluate;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.FileOrderStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eddy evaluate}: prequential learning quality of network configurations on streams in file order, beside the
 * no-change and majority baselines (running mean and previous value for regression), in process, through the
 * trainer of {@code eddy run} ({@link PrequentialEvaluation}).
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        header = "Prequential learning quality of networks on streams in file order, beside baselines.",
        description = {
            "Prequential learning quality: each learner reads each stream in file order (never shuffled), in a pass",
            "of its own (a file read again, a generator seeded again), keeping no row, so memory does not grow with",
            "the stream's length; every row is scored before it is used (test-then-train), held-out rows too;",
            "networks train exactly as in 'eddy run' (same holdout split, batching, standardization). Reports",
            "accuracy, Cohen's kappa and kappa-temporal (MAE and RMSE for regression) beside the no-change and",
            "majority baselines (previous value and running mean), a table on stdout, progress on stderr,",
            "report.json, report.md and plots in --report.",
            "",
            "Unlike 'produce', a bad row is an error, not skipped: an evaluation over a silently shortened stream",
            "would mislead. Exit 1 names the file and line (or the key) and the expected form."
        },
        footer = {
            "",
            "The default learner: hidden layers 64:relu,32:relu, output from the task (1:sigmoid, K:softmax or",
            "1:linear), optimizer=adam, learning-rate=0.001, batch-size=32, eval-every=50,",
            "early-stopping.enabled=false, holdout.fraction=0.1, prequential.window=1000.",
            "",
            "Example: eddy evaluate --csv ../shared/datasets/elec2/elec2.csv.gz --dataset sea --model sgd.properties"
        })
public final class EvaluateCommand implements Callable<Integer> {

    private static final long PROGRESS_INTERVAL_NANOS = 2_000_000_000L;

    @Spec
    CommandSpec spec;

    @Mixin
    StreamOptions streams;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = {
                "A learner: model keys without the model.<id>. prefix over the default learner's, plus",
                "holdout.fraction and prequential.window; 'layers' lists the hidden layers only. Named by the",
                "file name without its extension. Without --model: the default learner."
            })
    List<Path> models = new ArrayList<>();

    @Option(
            names = "--report",
            paramLabel = "DIR",
            defaultValue = "eddy-evaluate",
            description = {
                "Report directory, written only when the whole run succeeded (default: ${DEFAULT-VALUE}). An",
                "existing one is replaced only if it holds nothing but an earlier report (report.json, report.md,",
                "*.png); anything else, a file, the current directory or a missing parent is refused at start."
            })
    Path report;

    @Override
    public Integer call() throws IOException {
        Path target = replaceableReport();
        List<FileOrderStream> input = streams.streams();
        long start = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<LearnerSpec> learners = learners();
        List<StreamResult> results = new ArrayList<>();
        ProgressLine progress = new ProgressLine(err, System.console() != null);
        for (FileOrderStream stream : input) {
            results.add(evaluate(stream, learners, progress));
        }
        progress.finish();
        Path staged = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp-");
        try {
            EvaluationReport.write(staged, results);
            replace(staged, replaceableReport());
        } finally {
            deleteRecursively(staged);
        }
        out.print(EvaluationReport.table(results));
        out.print(EvaluationReport.leaderboards(results));
        out.printf(
                Locale.ROOT,
                "%nwall time %.1f s; report: %s%n",
                (System.nanoTime() - start) / 1e9,
                report.resolve(EvaluationReport.MARKDOWN));
        out.flush();
        return 0;
    }

    private List<LearnerSpec> learners() throws IOException {
        if (models.isEmpty()) {
            return List.of(LearnerSpec.defaultLearner());
        }
        List<LearnerSpec> learners = new ArrayList<>();
        Map<String, Path> byName = new HashMap<>();
        for (Path file : models) {
            LearnerSpec learner = LearnerSpec.fromFile(file);
            Path other = byName.putIfAbsent(learner.name(), file);
            if (other != null) {
                throw new IllegalArgumentException("--model " + file + " and " + other + " are both named '"
                        + learner.name() + "'; expected learner files with distinct names");
            }
            if (PrequentialEvaluation.CLASSIFICATION_BASELINES.contains(learner.name())
                    || PrequentialEvaluation.REGRESSION_BASELINES.contains(learner.name())) {
                throw new IllegalArgumentException(
                        "--model " + file + ": '" + learner.name() + "' is the name of a baseline; rename the file");
            }
            learners.add(learner);
        }
        return learners;
    }

    private static StreamResult evaluate(FileOrderStream stream, List<LearnerSpec> learners, ProgressLine progress)
            throws IOException {
        // The baselines' window: the application's default prequential.window, as the default learner's.
        int window = Integer.parseInt(EddyConfig.DEFAULTS.get("prequential.window"));
        return new PrequentialEvaluation(stream, window).run(learners, progress);
    }

    /**
     * The report directory as an absolute path (through symbolic links), checked before it is written: its parent
     * must be a writable directory, and an existing one may hold nothing but an earlier report, since it is replaced
     * as a whole. Checked at start, so that a bad path fails before the evaluation's work, and again just before the
     * replacement.
     *
     * @throws CommandLine.ParameterException naming the path and what is in the way
     */
    private Path replaceableReport() throws IOException {
        Path target = report.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            target = target.toRealPath();
        }
        if (target.getParent() == null || Path.of("").toRealPath().startsWith(target)) {
            throw refused(target + " is the current directory or one of its parents");
        }
        if (!Files.isDirectory(target.getParent())) {
            throw refused("its parent " + target.getParent() + " is not a directory; create it first");
        }
        if (!Files.isWritable(target.getParent())) {
            throw refused("its parent " + target.getParent() + " is not writable");
        }
        if (!Files.exists(target)) {
            return target;
        }
        if (!Files.isDirectory(target)) {
            throw refused(target + " is a file");
        }
        List<String> others = new ArrayList<>();
        for (Path entry : reportFiles(target, false)) {
            others.add(entry.getFileName() + (Files.isDirectory(entry) ? "/" : ""));
        }
        if (!others.isEmpty()) {
            Collections.sort(others);
            throw refused(target + " holds " + String.join(", ", others.subList(0, Math.min(others.size(), 5)))
                    + (others.size() > 5 ? " and " + (others.size() - 5) + " more" : "")
                    + ", which a report does not write");
        }
        return target;
    }

    private CommandLine.ParameterException refused(String reason) {
        return new CommandLine.ParameterException(
                spec.commandLine(),
                "--report " + report + ": " + reason + "; expected a new directory or one holding only an earlier"
                        + " report (" + EvaluationReport.JSON + ", " + EvaluationReport.MARKDOWN + ", *.png)");
    }

    /** The entries of {@code dir} that a report writes ({@code report} true), or all the others. */
    private static List<Path> reportFiles(Path dir, boolean report) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(e -> isReportFile(e) == report).toList();
        }
    }

    private static boolean isReportFile(Path entry) {
        String name = entry.getFileName().toString();
        return Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                && (name.equals(EvaluationReport.JSON)
                        || name.equals(EvaluationReport.MARKDOWN)
                        || name.endsWith(".png"));
    }

    /**
     * Replaces {@code target} (if any, holding an earlier report only) with the staged directory: the earlier
     * report's files are deleted one by one, so anything else makes the replacement fail instead of being deleted.
     */
    private static void replace(Path staged, Path target) throws IOException {
        if (Files.exists(target)) {
            for (Path file : reportFiles(target, true)) {
                Files.delete(file);
            }
            Files.delete(target);
        }
        Files.move(staged, target);
    }

    /** Deletes the staging directory, which this run made, if it is left after a failure. */
    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Progress on stderr: rewritten in place on a terminal, else a line every few seconds. */
    private static final class ProgressLine implements PrequentialEvaluation.Progress {
        private final PrintWriter err;
        private final boolean terminal;
        private long lastShown = System.nanoTime();
        private boolean inPlace;

        ProgressLine(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public void update(String stream, String learner, long rows, long total) {
            long now = System.nanoTime();
            boolean done = rows == total;
            if (!done && now - lastShown < (terminal ? PROGRESS_INTERVAL_NANOS / 10 : PROGRESS_INTERVAL_NANOS)) {
                return;
            }
            lastShown = now;
            String line = String.format(Locale.ROOT, "%s: %s %,d/%,d rows", stream, learner, rows, total);
            if (terminal) {
                err.print("\r\033[K" + line);
                inPlace = true;
            } else {
                err.println(line);
            }
            err.flush();
        }

        void finish() {
            if (inPlace) {
                err.print("\r\033[K");
                err.flush();
            }
        }
    }
}
