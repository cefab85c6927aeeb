package dev.eddy.core.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.EvaluationOutcome;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Learner;
import dev.eddy.core.train.Learners;
import dev.eddy.core.train.StepResult;
import dev.eddy.core.train.StopReason;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnsembleTest {

    /** 4 inputs, one hidden layer, binary; the given keys on top. */
    static TrainerConfig config(String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put("input-size", "4");
        p.put("layers", "8:relu,1:sigmoid");
        p.put("batch-size", "4");
        p.put("optimizer", "sgd");
        p.put("learning-rate", "0.1");
        p.put("seed", "3");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return TrainerConfig.fromProperties(p);
    }

    /**
     * Leveraging bagging for regression feeds each member's ADWIN e / (1 + e) of its squared error e: a finite target
     * whose squared error overflows (e = ∞) counts as 1 rather than NaN, which ADWIN refused with an exception that
     * failed the stream thread.
     */
    @Test
    void aSquaredErrorThatOverflowsCountsAsTheLargestErrorForLeveragingBagging() {
        Ensemble ensemble = Ensemble.create(config(
                "input-size",
                "2",
                "layers",
                "4:relu,1:linear",
                "loss",
                "mse",
                "batch-size",
                "1",
                "learning-rate",
                "0.01",
                "ensemble",
                "leveraging-bagging",
                "ensemble.size",
                "2"));
        StepResult r = ensemble.step(new double[][] {{1, 2}}, new double[] {1e200}, new double[] {1});
        assertEquals(1, r.step());
    }

    /** 2 inputs, 4 tanh units, binary, learning-rate 0.5 (for the rows of {@link #nextBlobs}); the given keys on top. */
    static TrainerConfig twoInputs(String... keyValues) {
        List<String> keys =
                new ArrayList<>(List.of("input-size", "2", "layers", "4:tanh,1:sigmoid", "learning-rate", "0.5"));
        keys.addAll(List.of(keyValues));
        return config(keys.toArray(String[]::new));
    }

    /** Label 1 when x0 + x1 > 0 (flipped when {@code flipped}), batches of 4 from a fixed seed. */
    static final class Stream {
        final SplittableRandom random = new SplittableRandom(11);
        double[][] x = new double[4][4];
        double[] y = new double[4];
        final double[] w = {1, 1, 1, 1};

        void next(boolean flipped) {
            x = new double[4][4];
            y = new double[4];
            for (int r = 0; r < 4; r++) {
                for (int j = 0; j < 4; j++) {
                    x[r][j] = random.nextGaussian();
                }
                boolean positive = x[r][0] + x[r][1] > 0;
                y[r] = positive != flipped ? 1 : 0;
            }
        }
    }

    @Test
    void keysAreValidatedNamingTheKeyAndTheRange() {
        assertEquals(EnsembleConfig.NONE, config().ensemble());
        EnsembleConfig lb = config("ensemble", "leveraging-bagging").ensemble();
        assertEquals(new EnsembleConfig(EnsembleKind.LEVERAGING_BAGGING, 10, 6.0), lb);
        assertEquals(1.0, config("ensemble", "bagging").ensemble().lambda());
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> config("ensemble", "bagging", "ensemble.size", "1"))
                        .getMessage()
                        .contains("ensemble.size must be an integer in [2, 64], got 1"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> config("ensemble", "bagging", "ensemble.size", "65"))
                        .getMessage()
                        .contains("ensemble.size must be an integer in [2, 64], got 65"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> config("ensemble", "bagging", "ensemble.lambda", "0"))
                .getMessage()
                .contains("ensemble.lambda must be a finite number > 0, got 0.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> config("ensemble", "forest"))
                .getMessage()
                .contains("ensemble must be one of [bagging, leveraging-bagging, boosting]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> config("ensemble.size", "4"))
                .getMessage()
                .contains("'ensemble.size' applies only with ensemble"));
        String regression = assertThrows(
                        IllegalArgumentException.class,
                        () -> config("layers", "8:relu,1:linear", "ensemble", "boosting"))
                .getMessage();
        assertTrue(regression.contains("ensemble=boosting") && regression.contains("loss=mse"), regression);
        String challenger = assertThrows(
                        IllegalArgumentException.class,
                        () -> config("ensemble", "bagging", "drift.detector", "adwin", "drift.challenger", "fresh"))
                .getMessage();
        assertTrue(
                challenger.contains("drift.challenger=fresh") && challenger.contains("ensemble=bagging"), challenger);
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> config("ensemble", "bagging", "drift.detector", "adwin", "drift.challenger", "copy"))
                .getMessage()
                .startsWith("drift.challenger=copy cannot combine with ensemble=bagging"));
        assertTrue(config("ensemble", "bagging", "drift.detector", "adwin", "drift.challenger", "none")
                .ensemble()
                .enabled());
    }

    /**
     * λ = 800 was accepted at start and failed the stream thread at the first example (the draw refused λ &gt; 700): it
     * trains; a model configured today takes λ ≤ 1,000, a stored configuration above it still reads and trains.
     */
    @Test
    void aLambdaOfEightHundredTrainsAndAboveAThousandIsRefusedAsNew() {
        TrainerConfig c = config("ensemble", "bagging", "ensemble.size", "3", "ensemble.lambda", "800");
        assertNull(c.newConfigurationRefusal());
        Ensemble e = Ensemble.create(c);
        Stream s = new Stream();
        for (int i = 0; i < 5; i++) {
            s.next(false);
            assertFalse(Double.isNaN(e.step(s.x, s.y, s.w).loss()));
        }
        assertEquals(5, e.steps());
        TrainerConfig large = config("ensemble", "bagging", "ensemble.size", "3", "ensemble.lambda", "1001");
        assertEquals(
                "ensemble.lambda must be a number in (0, 1000], got 1001.0 (each member draws about λ terms per"
                        + " example)",
                large.newConfigurationRefusal());
        s.next(false);
        assertEquals(1, Ensemble.create(large).step(s.x, s.y, s.w).step());
    }

    @Test
    void aConfigurationWithoutEnsembleKeepsItsCanonicalKeys() {
        assertFalse(config().toProperties().containsKey("ensemble"));
        assertInstanceOf(Trainer.class, Learners.create(config()));
        assertEquals(config().toProperties(), config("ensemble", "none").toProperties(), "the default written out");
        assertInstanceOf(Trainer.class, Learners.create(config("ensemble", "none")));
        assertInstanceOf(Ensemble.class, Learners.create(config("ensemble", "bagging")));
    }

    /**
     * Draws are pure and have Poisson(λ)'s mean, variance and P(0) = e^{−λ}, also above λ = 500 (where e^{−λ} was
     * about to underflow: λ &gt; 700 was refused), drawn as the sum of ⌈λ/500⌉ Poisson(λ/m) draws.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1, 6, 500.5, 2481.8, 1e5})
    void poissonDrawsArePureAndHaveTheirMeanAndVariance(double lambda) {
        PoissonDraw a = new PoissonDraw(42);
        PoissonDraw b = new PoissonDraw(42);
        int n = lambda > 1e4 ? 2000 : lambda > 100 ? 20_000 : 200_000;
        double sum = 0;
        double squares = 0;
        long zeros = 0;
        for (int i = 0; i < n; i++) {
            long k = a.draw(i % 10, i, lambda);
            assertEquals(k, b.draw(i % 10, i, lambda));
            sum += k;
            squares += (double) k * k;
            zeros += k == 0 ? 1 : 0;
        }
        double mean = sum / n;
        assertEquals(lambda, mean, 5 * Math.sqrt(lambda / n), "mean");
        assertEquals(lambda, squares / n - mean * mean, 0.1 * lambda, "variance");
        assertEquals(Math.exp(-lambda), (double) zeros / n, 0.005, "P(0)");
    }

    /** Draws up to λ = 500 are one inversion of one uniform, as before large λ were split: golden values. */
    @Test
    void drawsUpToFiveHundredAreUnchanged() {
        PoissonDraw d = new PoissonDraw(42);
        Map<Double, long[]> golden = Map.of(
                1.0, new long[] {1, 0, 1, 0, 3, 0, 1, 0},
                6.0, new long[] {7, 4, 6, 2, 10, 5, 7, 4},
                37.5, new long[] {40, 33, 38, 27, 48, 34, 39, 32},
                500.0, new long[] {508, 483, 503, 463, 536, 489, 507, 480});
        golden.forEach((lambda, expected) -> {
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], d.draw(i % 3, 1000L * i + 7, lambda), "λ " + lambda + " draw " + i);
            }
        });
        assertNotEquals(d.uniform(0, 5), d.uniform(1, 5));
        assertNotEquals(d.uniform(0, 5), new PoissonDraw(43).uniform(0, 5));
        assertThrows(IllegalArgumentException.class, () -> d.draw(0, 0, Double.POSITIVE_INFINITY));
    }

    /**
     * Boosting on an easy stream grows the λ of the example that a member which is almost always right gets wrong to
     * λ·N/(2λ_sw) ≈ N/2: at example 4,999 (a flipped label) 2,481.8, which the draw refused, failing the stream
     * thread at that example after every restart. It trains, and a restore just before continues bit-identically.
     */
    @Test
    void boostingTrainsOnAnExampleWhoseLambdaGrewBeyondSevenHundred() {
        TrainerConfig c = twoInputs(
                "batch-size", "1", "ensemble", "boosting", "ensemble.size", "3", "early-stopping.enabled", "false");
        Learner straight = Learners.create(c);
        Learner restarted = null;
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 6000; i++) {
            double a = random.nextDouble(0.5, 2) * (random.nextBoolean() ? 1 : -1);
            double[][] x = {{a, random.nextGaussian()}};
            double[] y = {(a > 0) != (i == 4999) ? 1 : 0};
            if (i == 4990) {
                restarted = Learners.restore(c, straight.state());
            }
            straight.step(x, y, new double[] {1});
            if (restarted != null) {
                restarted.step(x, y, new double[] {1});
            }
        }
        assertEquals(6000, straight.steps());
        assertArrayEquals(straight.state(), restarted.state());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bagging", "leveraging-bagging", "boosting"})
    void aRestoredEnsembleContinuesBitIdentically(String kind) {
        TrainerConfig c = config("ensemble", kind, "ensemble.size", "3", "early-stopping.enabled", "false");
        Learner straight = Learners.create(c);
        Learner interrupted = Learners.create(c);
        Stream s1 = new Stream();
        Stream s2 = new Stream();
        for (int i = 0; i < 300; i++) {
            s1.next(i >= 150);
            s2.next(i >= 150);
            straight.predictions(s1.x);
            straight.step(s1.x, s1.y, s1.w);
            if (i % 37 == 0) {
                interrupted = Learners.restore(c, interrupted.state());
            }
            interrupted.predictions(s2.x);
            interrupted.step(s2.x, s2.y, s2.w);
        }
        assertArrayEquals(straight.state(), interrupted.state());
        assertInstanceOf(Ensemble.class, interrupted);
        assertEquals(1200, straight.examplesSeen());
    }

    @Test
    void leveragingBaggingResetsTheWorstMemberWhenItsAdwinDetectsAChange() {
        // A slow rate, so that the flipped concept stays unlearned long enough for ADWIN to see the error rise.
        Ensemble e = Ensemble.create(
                config("ensemble", "leveraging-bagging", "ensemble.size", "4", "learning-rate", "0.005"));
        Stream s = new Stream();
        for (int i = 0; i < 600; i++) {
            s.next(i >= 300);
            e.step(s.x, s.y, s.w);
        }
        int resets = 0;
        for (int m = 0; m < e.size(); m++) {
            resets += e.resets(m);
        }
        assertTrue(resets >= 1, "the concept flips at example 1200, resets: " + resets);
        Ensemble bagging =
                Ensemble.create(config("ensemble", "bagging", "ensemble.size", "4", "learning-rate", "0.005"));
        Stream t = new Stream();
        for (int i = 0; i < 600; i++) {
            t.next(i >= 300);
            bagging.step(t.x, t.y, t.w);
        }
        for (int m = 0; m < bagging.size(); m++) {
            assertEquals(0, bagging.resets(m));
        }
    }

    @Test
    void theServedModelIsTheMeanOfTheMembersOutputs() {
        Ensemble e = Ensemble.create(config("ensemble", "bagging", "ensemble.size", "3", "standardize", "false"));
        Stream s = new Stream();
        for (int i = 0; i < 50; i++) {
            s.next(false);
            e.step(s.x, s.y, s.w);
        }
        InferenceModel served = InferenceModel.fromBytes(e.inferenceModel().toBytes());
        assertEquals(3, served.members());
        assertTrue(served.votes().isEmpty());
        s.next(false);
        double[][] got = served.predict(s.x);
        for (int r = 0; r < 4; r++) {
            double mean = 0;
            for (int m = 0; m < 3; m++) {
                mean += e.member(m)
                                .predict(org.ejml.data.DMatrixRMaj.wrap(1, 4, s.x[r].clone()))
                                .get(0, 0)
                        / 3;
            }
            assertEquals(mean, got[r][0], 1e-12);
            assertEquals(mean >= 0.5 ? 1.0 : 0.0, e.predictions(new double[][] {s.x[r]})[0]);
        }
        String message =
                assertThrows(IllegalArgumentException.class, served::network).getMessage();
        assertTrue(message.contains("ensemble of 3 networks"), message);
        String warm = assertThrows(IllegalArgumentException.class, () -> Trainer.warmStart(config(), served))
                .getMessage();
        assertEquals("a warm start copies one network into one network; the source is an ensemble of 3 networks", warm);
    }

    @Test
    void boostingServesAWeightedVote() {
        Ensemble e = Ensemble.create(config("ensemble", "boosting", "ensemble.size", "3", "standardize", "false"));
        Stream s = new Stream();
        for (int i = 0; i < 200; i++) {
            s.next(false);
            e.step(s.x, s.y, s.w);
        }
        InferenceModel served = e.inferenceModel();
        double[] votes = served.votes().orElseThrow();
        assertEquals(3, votes.length);
        double total = Arrays.stream(votes).sum();
        assertTrue(total > 0, Arrays.toString(votes));
        s.next(false);
        double[][] shares = served.predict(s.x);
        for (int r = 0; r < 4; r++) {
            double share = 0;
            for (int m = 0; m < 3; m++) {
                double p = e.member(m)
                        .predict(org.ejml.data.DMatrixRMaj.wrap(1, 4, s.x[r].clone()))
                        .get(0, 0);
                share += p >= 0.5 ? votes[m] / total : 0;
            }
            assertEquals(share, shares[r][0], 1e-12);
        }
    }

    @Test
    void aLiveSetReachesEveryMemberAndTheState() {
        TrainerConfig c = config("ensemble", "bagging", "ensemble.size", "3");
        Ensemble e = Ensemble.create(c);
        e.set("learning-rate", "0.5");
        assertEquals(0.5, e.learningRate());
        Ensemble restored = (Ensemble) Learners.restore(c, e.state());
        assertEquals("0.5", restored.config().toProperties().get("learning-rate"));
        for (int m = 0; m < 3; m++) {
            assertEquals(0.5, restored.memberTrainer(m).learningRate());
        }
        assertThrows(IllegalArgumentException.class, () -> e.set("layers", "4:relu,1:sigmoid"));
    }

    @Test
    void aMembersRateScaleIsAStepAtThatMultipleOfTheRate() {
        Trainer scaled = Trainer.create(config());
        Trainer doubled = Trainer.create(config("learning-rate", "0.2"));
        Stream s = new Stream();
        for (int i = 0; i < 5; i++) {
            s.next(false);
            scaled.step(s.x, s.y, s.w, 2);
            doubled.step(s.x, s.y, s.w);
        }
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(
                    doubled.network().layers().get(l).kernel().value(),
                    scaled.network().layers().get(l).kernel().value());
        }
        assertThrows(IllegalArgumentException.class, () -> scaled.step(s.x, s.y, s.w, 0));
    }

    @Test
    void earlyStoppingWatchesTheEnsembleAndPausesAndRestoresEveryMember() {
        Ensemble e = Ensemble.create(config(
                "ensemble",
                "bagging",
                "ensemble.size",
                "3",
                "early-stopping.enabled",
                "true",
                "early-stopping.patience",
                "2"));
        Stream s = new Stream();
        s.next(false);
        double[][] holdoutX = s.x;
        double[] holdoutY = s.y;
        List<double[]> best = new ArrayList<>();
        double[] losses = {0.5, 0.4, 0.45, 0.6};
        for (int i = 0; i < losses.length; i++) {
            s.next(false);
            e.step(s.x, s.y, s.w);
            if (i == 1) {
                for (int m = 0; m < 3; m++) {
                    best.add(e.member(m).layers().get(0).kernel().value().clone());
                }
            }
            Evaluation evaluation =
                    new Evaluation(losses[i], e.evaluate(holdoutX, holdoutY).metrics(), 4);
            EvaluationOutcome outcome = e.onEvaluation(evaluation);
            assertEquals(i == 3, outcome.stopped());
        }
        assertTrue(e.stopped());
        assertThrows(IllegalStateException.class, () -> e.step(s.x, s.y, s.w));
        for (int m = 0; m < 3; m++) {
            assertArrayEquals(best.get(m), e.member(m).layers().get(0).kernel().value(), "member " + m);
        }
        e.resume();
        e.step(s.x, s.y, s.w);
    }

    /**
     * A pruned model that stops early restores its best weights with their masks, a single network and every member of
     * an ensemble: the weights pruned since the best evaluation but non-zero in the best weights train again after a
     * resume (the ensemble kept the later masks, so they stayed frozen at their non-zero value for good).
     */
    @ParameterizedTest
    @ValueSource(strings = {"none", "bagging"})
    void restoredBestWeightsOfAPrunedModelCarryTheirMasks(String kind) {
        List<String> keys = new ArrayList<>(List.of(
                "input-size",
                "2",
                "layers",
                "16:tanh,1:sigmoid",
                "batch-size",
                "8",
                "learning-rate",
                "0.5",
                "early-stopping.patience",
                "6",
                "early-stopping.restore-best-weights",
                "true",
                "prune.target-sparsity",
                "0.9",
                "prune.begin-step",
                "0",
                "prune.end-step",
                "40",
                "prune.frequency",
                "1"));
        if (!kind.equals("none")) {
            keys.addAll(List.of("ensemble", kind, "ensemble.size", "3"));
        }
        Learner learner = Learners.create(config(keys.toArray(String[]::new)));
        SplittableRandom random = new SplittableRandom(2);
        double[][] x = new double[8][];
        double[] y = new double[8];
        double[] w = {1, 1, 1, 1, 1, 1, 1, 1};
        int evaluations = 0;
        while (!learner.stopped()) {
            nextBlobs(random, x, y);
            learner.step(x, y, w);
            if (learner.steps() % 5 == 0) {
                // the best evaluation is the 4th (step 20, sparsity below 0.9), then none improves until the stop
                double loss = evaluations < 4 ? 1 - 0.01 * evaluations : 2;
                learner.onEvaluation(new Evaluation(loss, learner.evaluate(x, y).metrics(), 8));
                evaluations++;
            }
        }
        assertTrue(learner.steps() > 40, "stopped at step " + learner.steps() + ", after the pruning schedule");
        double[][] restored = outputKernels(learner);
        learner.resume();
        for (int s = 0; s < 200; s++) {
            nextBlobs(random, x, y);
            learner.step(x, y, w);
        }
        double[][] trained = outputKernels(learner);
        int frozen = 0;
        int nonZero = 0;
        for (int m = 0; m < restored.length; m++) {
            for (int j = 0; j < restored[m].length; j++) {
                if (restored[m][j] != 0) {
                    nonZero++;
                    frozen += restored[m][j] == trained[m][j] ? 1 : 0;
                }
            }
        }
        assertTrue(nonZero > 1.5 * restored.length, "the best weights are less sparse than 0.9: " + nonZero);
        assertEquals(0, frozen, "non-zero output weights that 200 steps did not move, of " + nonZero);
    }

    /** Rows of two features, label x0 &gt; 0. */
    private static void nextBlobs(SplittableRandom random, double[][] x, double[] y) {
        for (int b = 0; b < x.length; b++) {
            x[b] = new double[] {random.nextGaussian(), random.nextGaussian()};
            y[b] = x[b][0] > 0 ? 1 : 0;
        }
    }

    /** Each network's output-layer kernel, copied. */
    private static double[][] outputKernels(Learner learner) {
        List<dev.eddy.core.network.Network> networks = learner.inferenceModel().networks();
        double[][] kernels = new double[networks.size()][];
        for (int m = 0; m < kernels.length; m++) {
            kernels[m] = networks.get(m).layers().get(1).kernel().value().clone();
        }
        return kernels;
    }

    /**
     * The non-finite guard stops a member alone; once it stopped every member the ensemble stops (NON_FINITE), as one
     * network does, and resume re-arms the members. It went on stepping no member, never paused, and a resume of the
     * running ensemble left the members stopped.
     */
    @Test
    void anEnsembleWhoseEveryMemberGaveUpOnNonFiniteStepsStopsAndResumesThem() {
        Ensemble e = Ensemble.create(config(
                "ensemble",
                "bagging",
                "ensemble.size",
                "3",
                "learning-rate",
                "1e300",
                "nonfinite.max-consecutive",
                "3"));
        Stream s = new Stream();
        for (int i = 0; i < 50 && !e.stopped(); i++) {
            s.next(false);
            e.step(s.x, s.y, s.w);
        }
        assertEquals(Optional.of(StopReason.NON_FINITE), e.stopReason());
        for (int m = 0; m < 3; m++) {
            assertTrue(e.memberTrainer(m).stopped(), "member " + m);
        }
        assertThrows(IllegalStateException.class, () -> e.step(s.x, s.y, s.w));
        e.resume();
        for (int m = 0; m < 3; m++) {
            assertFalse(e.memberTrainer(m).stopped(), "member " + m);
        }
        long steps = e.steps();
        e.step(s.x, s.y, s.w);
        assertEquals(steps + 1, e.steps());
    }

    /**
     * A weight-0 example does not move the model, also in an ensemble: two streams that differ only in the labels of
     * their weight-0 rows train the same members and votes. Boosting updated λ_sc/λ_sw with them and leveraging
     * bagging's ADWINs heard their errors (here wrong labels from the 400th row on).
     */
    @ParameterizedTest
    @ValueSource(strings = {"bagging", "leveraging-bagging", "boosting"})
    void weightZeroRowsDoNotMoveTheEnsemble(String kind) {
        TrainerConfig c = twoInputs("batch-size", "2", "ensemble", kind, "ensemble.size", "3");
        Ensemble right = Ensemble.create(c);
        Ensemble wrong = Ensemble.create(c);
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 400; i++) {
            double[][] x = new double[2][];
            double[] y = new double[2];
            nextBlobs(random, x, y);
            double[] w = {1, i >= 200 ? 0 : 1};
            double[] flipped = y.clone();
            if (w[1] == 0) {
                flipped[1] = 1 - y[1];
            }
            right.step(x, y, w);
            wrong.step(x, flipped, w);
        }
        assertArrayEquals(
                right.inferenceModel().toBytes(), wrong.inferenceModel().toBytes());
        for (int m = 0; m < 3; m++) {
            assertEquals(right.resets(m), wrong.resets(m), "resets of member " + m);
        }
    }

    /**
     * Boosting's N counts the examples of weight &gt; 0, as λ^sc and λ^sw do: with a rate too small to move the
     * members (their classes fixed), a stream with a weight-0 example after each example votes as the stream without
     * them. N counted every example, so the weight-0 ones raised each λ and changed the votes.
     */
    @Test
    void boostingCountsTheExamplesOfWeightAboveZero() {
        TrainerConfig c = twoInputs(
                "batch-size",
                "1",
                "learning-rate",
                "1e-300",
                "standardize",
                "false",
                "ensemble",
                "boosting",
                "ensemble.size",
                "3");
        Ensemble plain = Ensemble.create(c);
        Ensemble padded = Ensemble.create(c);
        SplittableRandom random = new SplittableRandom(8);
        double[][] x = new double[1][];
        double[] y = new double[1];
        for (int i = 0; i < 300; i++) {
            nextBlobs(random, x, y);
            plain.step(x, y, new double[] {1});
            padded.step(x, y, new double[] {1});
            padded.step(x, new double[] {1 - y[0]}, new double[] {0});
        }
        assertEquals(600, padded.examplesSeen());
        double[] votes = plain.inferenceModel().votes().orElseThrow();
        assertTrue(Arrays.stream(votes).anyMatch(v -> v > 0), Arrays.toString(votes));
        assertArrayEquals(votes, padded.inferenceModel().votes().orElseThrow());
    }

    /** A state of version 1 (before the examples of weight &gt; 0 were counted apart) restores with them = all seen. */
    @Test
    void aVersionOneStateRestoresWithEveryExampleCounted() throws IOException {
        Ensemble e = Ensemble.create(twoInputs("batch-size", "2", "ensemble", "boosting", "ensemble.size", "3"));
        SplittableRandom random = new SplittableRandom(8);
        double[][] x = new double[2][];
        double[] y = new double[2];
        for (int i = 0; i < 20; i++) {
            nextBlobs(random, x, y);
            e.step(x, y, new double[] {1, 2});
        }
        byte[] state = e.state();
        // version 2 inserted the count of weight > 0 examples (a long) after the examples seen
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        in.readLong(); // magic, version
        TrainerConfig.read(in);
        int countAt = state.length - in.available() + 16; // after steps and examples seen
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        v1.write(state, 0, 4);
        new DataOutputStream(v1).writeInt(1);
        v1.write(state, 8, countAt - 8);
        v1.write(state, countAt + 8, state.length - countAt - 8);
        assertArrayEquals(state, Ensemble.restore(v1.toByteArray()).state());
    }

    /**
     * An ensemble takes the weights of the bounds side by side (the rate scale Σ k·w / (λ·Σ w) stays finite and
     * positive) and refuses a weight beyond them naming it: 1e308 made that scale NaN.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bagging", "leveraging-bagging", "boosting"})
    void anEnsembleTakesTheExtremeWeightsAndRefusesMore(String kind) {
        Ensemble e = Ensemble.create(config("ensemble", kind, "ensemble.size", "3", "batch-size", "2"));
        Stream s = new Stream();
        for (int i = 0; i < 20; i++) {
            s.next(false);
            e.step(Arrays.copyOf(s.x, 2), Arrays.copyOf(s.y, 2), new double[] {1e100, 1e-100});
        }
        assertEquals(20, e.steps());
        String message = assertThrows(
                        IllegalArgumentException.class,
                        () -> e.step(Arrays.copyOf(s.x, 2), Arrays.copyOf(s.y, 2), new double[] {1, 1e308}))
                .getMessage();
        assertEquals("weights: weight 1 must be 0 or in [1e-100, 1e100], got 1.0E308", message);
    }

    @Test
    void aStateOfOneNetworkStillRestoresThroughLearners() {
        Trainer t = Trainer.create(config());
        Stream s = new Stream();
        s.next(false);
        t.step(s.x, s.y);
        assertArrayEquals(t.state(), Learners.restore(config(), t.state()).state());
    }
}
