package dev.eddy.benchmarks.prune;

import dev.eddy.core.data.BundledDataset;
import dev.eddy.core.data.CsvDataset;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The accuracy cost of gradual pruning: the digits net 64-256-128-10 (relu, softmax, Adam 1e-3, batch 32) trained
 * twice in one run on the same 4/5 of digits in the same shuffled order for {@value #EPOCHS} epochs, once unpruned and
 * once pruned per layer to 90% (polynomial from step {@value #BEGIN} to {@value #END}, masks every {@value #FREQUENCY}
 * steps, then training on at 90%), and both scored on the held-out fifth (every 5th row). Prints the holdout accuracy
 * of both, the drop (target ≤ 0.01) and the kernel sparsity reached. Deterministic: the same figures on any machine.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.prune.PruningAccuracy}.
 */
public final class PruningAccuracy {

    static final int EPOCHS = 40;
    static final int BEGIN = 200;
    static final int END = 1000;
    static final int FREQUENCY = 50;
    private static final int BATCH = 32;

    private PruningAccuracy() {}

    public static void main(String[] args) throws IOException {
        List<LabeledRow> train = new ArrayList<>();
        List<LabeledRow> holdout = new ArrayList<>();
        try (CsvDataset digits = BundledDataset.DIGITS.open(rejected -> {
            throw new IllegalStateException("bundled digits row rejected: " + rejected);
        })) {
            int i = 0;
            for (LabeledRow row : digits) {
                (i++ % 5 == 4 ? holdout : train).add(row);
            }
        }
        double unpruned = train(train, holdout, Map.of()).accuracy();
        Map<String, String> prune = Map.of(
                "prune.target-sparsity", "0.9",
                "prune.begin-step", Integer.toString(BEGIN),
                "prune.end-step", Integer.toString(END),
                "prune.frequency", Integer.toString(FREQUENCY));
        Run pruned = train(train, holdout, prune);
        System.out.printf(
                Locale.ROOT,
                "digits 64-256-128-10, %d train / %d holdout rows, %d epochs, %d steps%n"
                        + "holdout accuracy unpruned %.4f, pruned to 90%% %.4f (kernel sparsity %.4f): drop %.4f"
                        + " (target <= 0.01)%n",
                train.size(),
                holdout.size(),
                EPOCHS,
                pruned.trainer().steps(),
                unpruned,
                pruned.accuracy(),
                pruned.trainer().sparsity(),
                unpruned - pruned.accuracy());
    }

    /** A trained network and its holdout accuracy. */
    private record Run(double accuracy, Trainer trainer) {}

    private static Run train(List<LabeledRow> train, List<LabeledRow> holdout, Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(Map.of(
                "input-size", "64",
                "layers", "256:relu,128:relu,10:softmax",
                "optimizer", "adam",
                "learning-rate", "0.001",
                "batch-size", Integer.toString(BATCH),
                "early-stopping.enabled", "false",
                "seed", "42"));
        p.putAll(extra);
        Trainer t = Trainer.create(TrainerConfig.fromProperties(p));
        SplittableRandom random = new SplittableRandom(7);
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            for (int from = 0; from < order.length; from += BATCH) {
                int n = Math.min(BATCH, order.length - from);
                double[][] x = new double[n][];
                double[] y = new double[n];
                for (int r = 0; r < n; r++) {
                    LabeledRow row = train.get(order[from + r]);
                    x[r] = row.features();
                    y[r] = row.label();
                }
                t.step(x, y);
            }
        }
        double[][] x = new double[holdout.size()][];
        double[] y = new double[holdout.size()];
        for (int r = 0; r < x.length; r++) {
            x[r] = holdout.get(r).features();
            y[r] = holdout.get(r).label();
        }
        return new Run(t.evaluate(x, y).metrics().get("accuracy"), t);
    }
}
