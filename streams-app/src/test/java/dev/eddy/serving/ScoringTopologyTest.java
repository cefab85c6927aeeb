package dev.eddy.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.NamedTensor;
import dev.eddy.schema.Prediction;
import dev.eddy.schema.Standardization;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringTopologyTest {

    @TempDir
    Path stateDir;

    @Test
    void scoresWithTheSnapshotsOwnWeights() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m"), stateDir)) {
            ModelSnapshot v1 = f.trainStep("m", 1);
            f.score("a", "m", 0.3, -1.2);
            Prediction p = f.predictions.readValue();
            // ŷ = σ(w·x + b), computed from the snapshot's tensors independently of model-core.
            double[] w = values(v1, "dense_0/kernel");
            double b = values(v1, "dense_0/bias")[0];
            double expected = 1 / (1 + Math.exp(-(w[0] * 0.3 + w[1] * -1.2 + b)));
            assertThat(p.getId()).isEqualTo("a");
            assertThat(p.getModelId()).isEqualTo("m");
            assertThat(p.getModelVersion()).isEqualTo(v1.getVersion());
            assertThat(p.getOutputs()).hasSize(1);
            assertThat(p.getOutputs().get(0)).isCloseTo(expected, within(1e-12));
            assertThat(p.getPredictedClass()).isEqualTo(expected >= 0.5 ? 1 : 0);
            assertThat(p.getPredictedValue()).isNull();
            assertThat(p.getScoreTime()).isNotNull();
        }
    }

    /**
     * A snapshot of another producer that this build cannot serve (here a configuration whose network does not fit
     * its parameters) is skipped with a reason; the global thread goes on and the last good model serves (such an
     * exception once stopped it at every start, the global store re-reading the record).
     */
    @Test
    void aSnapshotThatCannotBeServedIsSkippedAndTheLastGoodOneServes() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m"), stateDir)) {
            ModelSnapshot good = f.trainStep("m", 1);
            String config = good.getTrainingConfig()
                    .replace("input-size=2", "input-size=50000")
                    .replaceAll("(?m)^layers=.*$", "layers=50000:linear,1:sigmoid");
            f.snapshotsIn.pipeInput(
                    "m",
                    ModelSnapshot.newBuilder(good)
                            .setVersion(good.getVersion() + 1)
                            .setTrainingConfig(config)
                            .build());
            assertThat(f.events).anyMatch(e -> e.startsWith("skip m v" + (good.getVersion() + 1) + ": "));
            assertThat(f.events).contains("unservable m v" + (good.getVersion() + 1));
            f.score("a", "m", 0.3, -1.2);
            assertThat(f.predictions.readValue().getModelVersion()).isEqualTo(good.getVersion());
        }
    }

    /** Under a search, {@code <id>}'s snapshots come from its champion: predictions name its version and trial. */
    @Test
    void predictionsOfASearchsChampionCarryTheVersionAndTheTrial() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m"), stateDir)) {
            ModelSnapshot v1 = f.trainStep("m", 1);
            f.score("a", "m", 0.3, -1.2);
            f.snapshotsIn.pipeInput(
                    "m",
                    ModelSnapshot.newBuilder(v1)
                            .setVersion(v1.getVersion() + 1)
                            .setTrial("m~t03")
                            .setTrialConfig(Map.of("learning-rate", "0.03"))
                            .build());
            f.score("b", "m", 0.3, -1.2);
            List<Prediction> out = f.predictions.readValuesToList();
            assertThat(out).extracting(Prediction::getTrial).containsExactly(null, "m~t03");
            assertThat(out)
                    .extracting(Prediction::getModelVersion)
                    .containsExactly(v1.getVersion(), v1.getVersion() + 1);
        }
    }

    @Test
    void aFloat32ModelPublishesItsPrecisionAndIsScoredInFloat32() {
        Map<String, String> settings = ServingFixture.network("3:tanh,1:sigmoid", "binary_crossentropy", "m");
        settings.put("model.m.precision", "float32");
        try (ServingFixture f = new ServingFixture(settings, stateDir)) {
            ModelSnapshot v1 = f.trainStep("m", 1);
            assertThat(v1.getPrecision()).isEqualTo("float32");
            for (String tensor : List.of("dense_0/kernel", "dense_0/bias", "dense_1/kernel", "dense_1/bias")) {
                for (double w : values(v1, tensor)) {
                    assertThat((double) (float) w).as(tensor).isEqualTo(w);
                }
            }
            f.score("a", "m", 0.3, -1.2);
            Prediction p = f.predictions.readValue();
            // ŷ = σ(w₁·tanh(x·W₀ + b₀) + b₁) with every value a float: each product is a float fma chain, each
            // activation rounded to float after it is computed.
            double[] w0 = values(v1, "dense_0/kernel");
            double[] b0 = values(v1, "dense_0/bias");
            double[] w1 = values(v1, "dense_1/kernel");
            float z1 = (float) values(v1, "dense_1/bias")[0];
            for (int j = 0; j < 3; j++) {
                float z0 = Math.fma((float) -1.2, (float) w0[3 + j], Math.fma(0.3f, (float) w0[j], (float) b0[j]));
                z1 = Math.fma((float) Math.tanh(z0), (float) w1[j], z1);
            }
            float expected = (float) (z1 >= 0 ? 1 / (1 + Math.exp(-z1)) : Math.exp(z1) / (1 + Math.exp(z1)));
            assertThat(p.getOutputs().get(0)).isEqualTo((double) expected);
        }
    }

    /**
     * A feature finite in double but beyond the float range is infinite in a float32 model's products: it was scored,
     * and the NaN outputs went out as a prediction of class 0.
     */
    @Test
    void aFeatureBeyondTheFloatRangeOfAFloat32ModelIsADeadLetterNotANaNPrediction() {
        Map<String, String> settings = ServingFixture.network("3:tanh,1:sigmoid", "binary_crossentropy", "m");
        settings.put("model.m.precision", "float32");
        try (ServingFixture f = new ServingFixture(settings, stateDir)) {
            f.trainStep("m", 1);
            f.score("a", "m", 1e39, 0);
            f.score("b", "m", 3e38, 0);

            TestRecord<byte[], byte[]> dead = f.deadLetters.readRecord();
            assertThat(header(dead, "eddy.dlq.reason")).isEqualTo("feature-out-of-range");
            assertThat(header(dead, "eddy.dlq.detail")).startsWith("feature 0 is 1.0E39, beyond ±3.4028234");
            assertThat(f.predictions.readValuesToList())
                    .extracting(Prediction::getId)
                    .containsExactly("b");
        }
    }

    /**
     * Features in range can still overflow inside the model: a float32 model whose statistics are those of features
     * around 0.01 standardizes 3e38 to 3e40, beyond the float range; a float64 relu network multiplies
     * (Double.MAX_VALUE, Double.MAX_VALUE) to ±∞ and then ∞ − ∞. Their NaN outputs went out as predictions of class
     * 0; each is now a dead letter (non-finite-output), counted by reason, and the next record is scored.
     */
    @Test
    void aNonFiniteOutputIsADeadLetterNotAPrediction() {
        Map<String, String> float32 = ServingFixture.network("4:relu,1:sigmoid", "binary_crossentropy", "m");
        float32.put("model.m.precision", "float32");
        try (ServingFixture f = new ServingFixture(float32, stateDir.resolve("float32"))) {
            ModelSnapshot trained = f.trainStep("m", 1);
            f.snapshotsIn.pipeInput(
                    "m",
                    ModelSnapshot.newBuilder(trained)
                            .setVersion(trained.getVersion() + 1)
                            .setStandardization(new Standardization(List.of(0.01, 0.01), List.of(1e-4, 1e-4), 100L))
                            .build());
            f.score("a", "m", 3e38, 0.01);
            f.score("b", "m", 0.02, 0.01);

            assertNonFiniteOutputDeadLetter(f, "model 'm' v" + (trained.getVersion() + 1) + ": output 0 is NaN");
        }
        Map<String, String> float64 = ServingFixture.network("8:relu,8:relu,1:sigmoid", "binary_crossentropy", "m");
        try (ServingFixture f = new ServingFixture(float64, stateDir.resolve("float64"))) {
            ModelSnapshot trained = f.trainStep("m", 1);
            f.score("a", "m", Double.MAX_VALUE, Double.MAX_VALUE);
            f.score("b", "m", 0.02, 0.01);

            assertNonFiniteOutputDeadLetter(f, "model 'm' v" + trained.getVersion() + ": output 0 is NaN");
        }
    }

    /** Record "a" is the one dead letter, of reason non-finite-output and {@code detail}; "b" is predicted. */
    private static void assertNonFiniteOutputDeadLetter(ServingFixture f, String detail) {
        List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), "eddy.dlq.reason")).isEqualTo("non-finite-output");
        assertThat(header(dead.get(0), "eddy.dlq.detail")).startsWith(detail);
        assertThat(f.predictions.readValuesToList())
                .extracting(Prediction::getId)
                .containsExactly("b");
        assertThat(f.registry
                        .get("eddy.serving.dead.letters")
                        .tag("reason", "non-finite-output")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void appliesTheSnapshotsStandardizationBeforeTheNetwork() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m"), stateDir)) {
            ModelSnapshot trained = f.trainStep("m", 1);
            ModelSnapshot standardized = ModelSnapshot.newBuilder(trained)
                    .setVersion(trained.getVersion() + 1)
                    .setStandardization(new Standardization(List.of(2.0, -1.0), List.of(4.0, 0.25), 100L))
                    .build();
            f.snapshotsIn.pipeInput("m", standardized);
            f.score("s", "m", 3.0, 0.0);
            Prediction p = f.predictions.readValue();
            // x' = (x − mean)/√(var + 1e-8), then ŷ = σ(w·x' + b).
            double x0 = (3.0 - 2.0) / Math.sqrt(4.0 + 1e-8);
            double x1 = (0.0 + 1.0) / Math.sqrt(0.25 + 1e-8);
            double[] w = values(trained, "dense_0/kernel");
            double b = values(trained, "dense_0/bias")[0];
            assertThat(p.getModelVersion()).isEqualTo(standardized.getVersion());
            assertThat(p.getOutputs().get(0))
                    .isCloseTo(1 / (1 + Math.exp(-(w[0] * x0 + w[1] * x1 + b))), within(1e-12));
        }
    }

    @Test
    void aNewAcceptedSnapshotSwapsBetweenTwoRecordsAndRefusedOrOlderOnesDoNot() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m"), stateDir)) {
            ModelSnapshot v1 = f.trainStep("m", 1);
            f.score("a", "m", 1, 1);
            ModelSnapshot v2 = f.trainStep("m", 2);
            f.score("b", "m", 1, 1);
            // A refused newer snapshot, then a replay of the old accepted one: neither is served.
            f.snapshotsIn.pipeInput(
                    "m",
                    ModelSnapshot.newBuilder(v2)
                            .setVersion(v2.getVersion() + 1)
                            .setAccepted(false)
                            .setRefusalReason("holdout loss 0.9 worse than 0.5 + 0.1")
                            .build());
            f.snapshotsIn.pipeInput("m", v1);
            f.score("c", "m", 1, 1);

            List<Prediction> out = f.predictions.readValuesToList();
            assertThat(out).extracting(Prediction::getId).containsExactly("a", "b", "c");
            assertThat(out)
                    .extracting(Prediction::getModelVersion)
                    .containsExactly(v1.getVersion(), v2.getVersion(), v2.getVersion());
            assertThat(out.get(0).getOutputs()).isNotEqualTo(out.get(1).getOutputs());
            assertThat(out.get(2).getOutputs()).isEqualTo(out.get(1).getOutputs());
            assertThat(f.events)
                    .containsExactly(
                            "swap m v" + v1.getVersion(),
                            "swap m v" + v2.getVersion(),
                            "skip m v" + (v2.getVersion() + 1) + ": refused: holdout loss 0.9 worse than 0.5 + 0.1",
                            "skip m v" + v1.getVersion() + ": not newer than served version " + v2.getVersion());
            assertThat(f.cache.versions()).containsEntry("m", v2.getVersion());
        }
    }

    @Test
    void withTheGateOnRefusedSnapshotsArePublishedButNeverServed() {
        Map<String, String> settings = new HashMap<>(ServingFixture.settings("m"));
        settings.put("holdout.fraction", "0.5");
        settings.put("model.m.eval-every", "1");
        settings.put("model.m.learning-rate", "2"); // large steps: the holdout loss goes up now and then
        settings.put("gate.enabled", "true");
        settings.put("gate.metric", "loss");
        settings.put("gate.tolerance", "0.01");
        try (ServingFixture f = new ServingFixture(settings, stateDir)) {
            f.pipeExamples("m", 3, 400);
            List<KeyValue<String, ModelSnapshot>> records = f.snapshots.readKeyValuesToList();
            // keyed apart, so that compaction never removes the last accepted snapshot of a model
            assertThat(records).allSatisfy(r -> assertThat(r.key).isEqualTo(r.value.getAccepted() ? "m" : "m/refused"));
            List<ModelSnapshot> published = records.stream().map(r -> r.value).toList();
            // Replay the gate's rule over what was published: m* is the loss of the last accepted snapshot.
            double best = Double.NaN;
            long lastAccepted = -1;
            for (ModelSnapshot s : published) {
                Double loss = s.getHoldoutMetrics().get("loss");
                boolean worse = !Double.isNaN(best) && (loss == null || best + 0.01 < loss);
                assertThat(s.getAccepted()).as("v" + s.getVersion()).isEqualTo(!worse);
                assertThat(s.getRefusalReason() == null).isEqualTo(!worse);
                if (!worse) {
                    best = loss == null ? Double.NaN : loss;
                    lastAccepted = s.getVersion();
                }
            }
            assertThat(published).extracting(ModelSnapshot::getAccepted).contains(true, false);
            assertThat(f.events.stream().filter(e -> e.startsWith("refused")).count())
                    .isEqualTo(published.stream().filter(s -> !s.getAccepted()).count());
            f.score("a", "m", 1, 1);
            assertThat(f.predictions.readValue().getModelVersion()).isEqualTo(lastAccepted);
            assertThat(f.cache.versions()).containsEntry("m", lastAccepted);
        }
    }

    @Test
    void featuresOfAModelWithoutSnapshotGoToTheDeadLetterTopicWithTheReason() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m", "other"), stateDir)) {
            f.trainStep("m", 1);
            f.score("a", "other", 1, 1);
            assertThat(f.predictions.isEmpty()).isTrue();
            TestRecord<byte[], byte[]> dead = f.deadLetters.readRecord();
            assertThat(header(dead, "eddy.dlq.reason")).isEqualTo("no-snapshot");
            assertThat(header(dead, "eddy.dlq.model")).isEqualTo("other");
            assertThat(header(dead, "eddy.dlq.topic")).isEqualTo(f.serving.featuresTopic());
            assertThat(header(dead, "eddy.dlq.offset")).isEqualTo("0");
        }
    }

    /**
     * A record for a model this application does not train says so (it said only "no accepted snapshot yet"), and a
     * {@code "model"} that is not a string is undecodable (an object was read as the model '').
     */
    @Test
    void anUnknownModelIsNamedAsNotConfiguredAndANonStringModelIsUndecodable() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m", "other"), stateDir)) {
            f.trainStep("m", 1);
            f.score("a", "other", 1, 1);
            f.features.pipeInput("{\"id\": \"b\", \"model\": \"no-such-model\", \"features\": [1, 2]}"
                    .getBytes(StandardCharsets.UTF_8));
            f.features.pipeInput(
                    "{\"id\": \"c\", \"model\": {\"x\": 1}, \"features\": [1, 2]}".getBytes(StandardCharsets.UTF_8));
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead)
                    .extracting(r -> header(r, "eddy.dlq.reason"))
                    .containsExactly("no-snapshot", "no-snapshot", "undecodable");
            assertThat(header(dead.get(0), "eddy.dlq.detail")).isEqualTo("model 'other' has no accepted snapshot yet");
            assertThat(header(dead.get(1), "eddy.dlq.detail"))
                    .isEqualTo("model 'no-such-model', not configured in this application (models: m, other), has no"
                            + " accepted snapshot yet");
            assertThat(header(dead.get(2), "eddy.dlq.detail"))
                    .startsWith("JSON feature record's \"model\" must be a string naming the model, got {\"x\":1}");
        }
    }

    /** A model whose only snapshot cannot be served says so: it was "no accepted snapshot yet". */
    @Test
    void aModelWhoseSnapshotCannotBeServedSaysSo() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m", "other"), stateDir)) {
            ModelSnapshot good = f.trainStep("other", 1);
            f.snapshotsIn.pipeInput(
                    "m",
                    ModelSnapshot.newBuilder(good)
                            .setModelId("m")
                            .setTrainingConfig(good.getTrainingConfig().replace("input-size=2", "input-size=3"))
                            .build());
            f.score("a", "m", 1, 1);
            assertThat(f.events).contains("unservable m v" + good.getVersion());
            TestRecord<byte[], byte[]> dead = f.deadLetters.readRecord();
            assertThat(header(dead, "eddy.dlq.reason")).isEqualTo("no-snapshot");
            assertThat(header(dead, "eddy.dlq.detail"))
                    .startsWith("model 'm' has no snapshot that can be served: snapshot v" + good.getVersion()
                            + " cannot be served by this build: ");
        }
    }

    @Test
    void badFeatureRecordsGoToTheDeadLetterTopicAndDoNotStopScoring() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m"), stateDir)) {
            ModelSnapshot v1 = f.trainStep("m", 1);
            f.features.pipeInput("not a record".getBytes(StandardCharsets.UTF_8));
            f.features.pipeInput((byte[]) null);
            f.score("three", "m", 1, 2, 3);
            f.score("nan", "m", 1, Double.NaN);
            f.features.pipeInput("{\"id\": \"j\", \"model\": \"m\", \"x0\": 1}".getBytes(StandardCharsets.UTF_8));
            f.features.pipeInput("{\"id\": \"ok\", \"x1\": 1, \"x0\": 1}".getBytes(StandardCharsets.UTF_8));

            assertThat(f.deadLetters.readRecordsToList())
                    .extracting(r -> header(r, "eddy.dlq.reason"))
                    .containsExactly(
                            "undecodable", "null-value", "wrong-feature-count", "non-finite-feature", "undecodable");
            // A JSON record without "model" is scored by the default model, fields read in the configured order.
            Prediction ok = f.predictions.readValue();
            assertThat(ok.getId()).isEqualTo("ok");
            assertThat(ok.getModelVersion()).isEqualTo(v1.getVersion());
            assertThat(f.predictions.isEmpty()).isTrue();
        }
    }

    /** README, Input formats: a record naming no model is scored by the configured model id that sorts first. */
    @Test
    void aRecordNamingNoModelIsScoredByTheConfiguredIdThatSortsFirst() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m", "b"), stateDir)) {
            f.trainStep("m", 1);
            f.trainStep("b", 2);
            f.features.pipeInput("{\"id\": \"n\", \"features\": [1, 2]}".getBytes(StandardCharsets.UTF_8));
            assertThat(f.predictions.readValue().getModelId()).isEqualTo("b");
        }
    }

    @Test
    void jsonAndAvroRecordsOfTheSameVectorScoreTheSame() {
        try (ServingFixture f = new ServingFixture(ServingFixture.settings("m"), stateDir)) {
            f.trainStep("m", 1);
            f.score("avro", "m", 0.5, -0.25);
            f.features.pipeInput("{\"id\": \"json\", \"model\": \"m\", \"features\": [0.5, -0.25]}"
                    .getBytes(StandardCharsets.UTF_8));
            List<Prediction> out = f.predictions.readValuesToList();
            assertThat(out.get(1).getOutputs()).isEqualTo(out.get(0).getOutputs());
        }
    }

    private static double[] values(ModelSnapshot s, String name) {
        NamedTensor t = s.getParameters().stream()
                .filter(p -> p.getName().equals(name))
                .findFirst()
                .orElseThrow();
        ByteBuffer b = t.getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[b.remaining() / Double.BYTES];
        b.asDoubleBuffer().get(out);
        return out;
    }

    private static String header(TestRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
