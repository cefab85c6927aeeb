package dev.eddy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.cli.Eddy;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Learner;
import dev.eddy.core.train.Learners;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eddy prune} on export files written offline from a trained {@link Trainer}, as {@code eddy export} writes. */
class PruneCommandTest {

    private static final int ROWS = 400;

    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {}

    private static Result eddy(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Eddy.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * Rows x ∈ N(0, 1)⁴ with class 0, 1, 2 by bands of x0 + x1 (or the target x0 − 2·x1 for regression), written
     * to {@code rows.csv}; a model trained on them exported to {@code model.eddm}.
     */
    private Path export(String layers, boolean regression) throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        double[][] x = new double[ROWS][4];
        double[] y = new double[ROWS];
        StringBuilder csv = new StringBuilder("x0,x1,x2,x3,label\n");
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < 4; j++) {
                x[r][j] = random.nextGaussian();
                csv.append(String.format(Locale.ROOT, "%.6f,", x[r][j]));
            }
            double s = x[r][0] + x[r][1];
            y[r] = regression ? x[r][0] - 2 * x[r][1] : s > 0.7 ? 2 : s > -0.7 ? 1 : 0;
            csv.append(regression ? String.format(Locale.ROOT, "%.6f", y[r]) : Integer.toString((int) y[r]))
                    .append('\n');
        }
        Files.writeString(dir.resolve("rows.csv"), csv);
        Trainer t = Trainer.create(TrainerConfig.fromProperties(
                Map.of("input-size", "4", "layers", layers, "batch-size", "16", "seed", "5")));
        for (int epoch = 0; epoch < 20; epoch++) {
            for (int b = 0; b + 16 <= ROWS; b += 16) {
                double[][] xb = Arrays.copyOfRange(x, b, b + 16);
                double[] yb = Arrays.copyOfRange(y, b, b + 16);
                t.step(xb, yb);
            }
        }
        Path file = dir.resolve("model.eddm");
        Files.write(file, t.inferenceModel().toBytes());
        return file;
    }

    @Test
    void prunesTheExportToTheSparsityInEveryLayer() throws Exception {
        Path in = export("32:relu:batchnorm,16:relu,3:softmax", false);
        for (String s : new String[] {"0.5", "0.9"}) {
            Path out = dir.resolve("pruned-" + s + ".eddm");
            Result r = eddy("prune", "--in", in.toString(), "--sparsity", s, "--out", out.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            InferenceModel pruned = InferenceModel.fromBytes(Files.readAllBytes(out));
            InferenceModel original = InferenceModel.fromBytes(Files.readAllBytes(in));
            double target = Double.parseDouble(s);
            for (int l = 0; l < 3; l++) {
                Dense layer = pruned.network().layers().get(l);
                int n = layer.kernel().size();
                long zeros = Arrays.stream(layer.kernel().value())
                        .filter(v -> v == 0.0)
                        .count();
                assertThat(zeros).as("layer %d at %s", l, s).isEqualTo(n - Math.round(n * (1 - target)));
                assertThat(layer.bias().value())
                        .isEqualTo(original.network().layers().get(l).bias().value());
                assertThat(r.out())
                        .contains(String.format(
                                Locale.ROOT,
                                "layer %d kernel %dx%d: %d of %d weights zero",
                                l,
                                layer.inputs(),
                                layer.units(),
                                zeros,
                                n));
            }
            assertThat(pruned.layers()).isEqualTo(original.layers());
            assertThat(r.out()).contains("wrote " + out);
        }
    }

    @Test
    void globalScopeSharesOneThreshold() throws Exception {
        Path in = export("32:relu,16:relu,3:softmax", false);
        Path out = dir.resolve("global.eddm");
        Result r =
                eddy("prune", "--in", in.toString(), "--sparsity", "0.8", "--scope", "global", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        InferenceModel pruned = InferenceModel.fromBytes(Files.readAllBytes(out));
        long zeros = 0;
        long n = 0;
        for (Dense layer : pruned.network().layers()) {
            n += layer.kernel().size();
            zeros += Arrays.stream(layer.kernel().value()).filter(v -> v == 0.0).count();
        }
        assertThat(zeros).isEqualTo(n - Math.round(n * 0.2));
        // 688 kernel weights: 688 − round(137.6) = 550 pruned.
        assertThat(zeros).isEqualTo(550);
        assertThat(r.out()).contains("all kernels: sparsity 0.7994").contains("scope global");
    }

    @Test
    void csvPrintsAccuracyBeforeAndAfter() throws Exception {
        Path in = export("32:relu,16:relu,3:softmax", false);
        Path csv = dir.resolve("rows.csv");
        Result r = eddy(
                "prune",
                "--in",
                in.toString(),
                "--sparsity",
                "0.9",
                "--out",
                dir.resolve("p.eddm").toString(),
                "--csv",
                csv.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Matcher m = Pattern.compile("accuracy on " + Pattern.quote(csv.toString())
                        + " \\(400 rows\\): before ([0-9.]+), after ([0-9.]+)")
                .matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        double before = Double.parseDouble(m.group(1));
        assertThat(before).isEqualTo(accuracy(in, csv));
        assertThat(Double.parseDouble(m.group(2))).isEqualTo(accuracy(dir.resolve("p.eddm"), csv));
        assertThat(before).isGreaterThan(0.7);
    }

    @Test
    void csvPrintsRmseForARegressionModel() throws Exception {
        Path in = export("16:relu,1:linear", true);
        Result r = eddy(
                "prune",
                "--in",
                in.toString(),
                "--sparsity",
                "0.5",
                "--out",
                dir.resolve("p.eddm").toString(),
                "--csv",
                dir.resolve("rows.csv").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("rmse on \\S+ \\(400 rows\\): before [0-9.]+, after [0-9.]+");
    }

    @Test
    void aFileThatIsNotAnExportFailsNamingIt() throws Exception {
        Path notAModel = dir.resolve("rows.txt");
        Files.writeString(notAModel, "x0,label\n1,0\n");
        Path out = dir.resolve("out.eddm");
        Result r = eddy("prune", "--in", notAModel.toString(), "--sparsity", "0.5", "--out", out.toString());
        assertThat(r.exitCode()).isEqualTo(Eddy.EXIT_FAILURE);
        assertThat(r.err().lines())
                .singleElement()
                .asString()
                .startsWith("eddy prune: error: " + notAModel
                        + " is not a model written by 'eddy export': not an Eddy model");
        assertThat(out).doesNotExist();
    }

    @Test
    void anEnsembleExportFailsWithAClearError() throws Exception {
        Learner ensemble = Learners.create(TrainerConfig.fromProperties(
                Map.of("input-size", "4", "layers", "8:relu,3:softmax", "ensemble", "bagging", "ensemble.size", "3")));
        Path in = dir.resolve("ensemble.eddm");
        Files.write(in, ensemble.inferenceModel().toBytes());
        Path out = dir.resolve("out.eddm");
        Result r = eddy("prune", "--in", in.toString(), "--sparsity", "0.5", "--out", out.toString());
        assertThat(r.exitCode()).isEqualTo(Eddy.EXIT_FAILURE);
        assertThat(r.err().lines())
                .singleElement()
                .asString()
                .isEqualTo("eddy prune: error: " + in + " is an ensemble of 3 networks; eddy prune prunes a model of"
                        + " one network (export a model trained without ensemble)");
        assertThat(out).doesNotExist();
    }

    @Test
    void aBadSparsityOrScopeIsAUsageError() throws Exception {
        Path in = export("8:relu,3:softmax", false);
        Path out = dir.resolve("out.eddm");
        Result one = eddy("prune", "--in", in.toString(), "--sparsity", "1", "--out", out.toString());
        assertThat(one.exitCode()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(one.err()).contains("sparsity 1.0 is outside [0, 1)");
        Result scope =
                eddy("prune", "--in", in.toString(), "--sparsity", "0.5", "--scope", "row", "--out", out.toString());
        assertThat(scope.exitCode()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(scope.err()).contains("pruning scope 'row': expected one of [layer, global]");
        assertThat(eddy("prune", "--in", in.toString()).exitCode()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(out).doesNotExist();
    }

    /** The reference accuracy: argmax of the outputs against the CSV's label, row by row. */
    private static double accuracy(Path model, Path csv) throws Exception {
        InferenceModel m = InferenceModel.fromBytes(Files.readAllBytes(model));
        var lines = Files.readAllLines(csv);
        int correct = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = Double.parseDouble(f[j]);
            }
            double[] yHat = m.predict(new double[][] {x})[0];
            int best = 0;
            for (int k = 1; k < yHat.length; k++) {
                if (yHat[k] > yHat[best]) {
                    best = k;
                }
            }
            if (best == Integer.parseInt(f[4])) {
                correct++;
            }
        }
        return Math.round(10000.0 * correct / (lines.size() - 1)) / 10000.0;
    }
}
