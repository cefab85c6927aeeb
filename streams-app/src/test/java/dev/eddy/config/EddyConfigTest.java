package dev.eddy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EddyConfigTest {

    @TempDir
    Path dir;

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("model.a.input-size", "8");
        m.put("model.a.layers", "32:relu,16:relu,1:sigmoid");
        m.put("model.a.loss", "binary_crossentropy");
        return m;
    }

    @Test
    void defaultsMatchTheDocumentedTopicsAndGuarantee() {
        EddyConfig c = EddyConfig.of(minimal());
        assertThat(c.topics())
                .isEqualTo(new EddyTopics(
                        "eddy.examples",
                        "eddy.holdout",
                        "eddy.model-snapshots",
                        "eddy.training-metrics",
                        "eddy.examples.dlq",
                        "eddy.commands"));
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.holdoutMode()).isEqualTo(HoldoutMode.SPLIT);
        assertThat(c.holdoutFraction()).isEqualTo(0.1);
        assertThat(c.models()).containsOnlyKeys("a");
        assertThat(c.models().get("a").inputSize()).isEqualTo(8);
        Properties p = c.streamsProperties();
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(p.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)))
                .isEqualTo(c.snapshotTopicConfig().get("max.message.bytes"));
        assertThat(c.snapshotTopicConfig()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void fileThenOverridesWithSeveralModelsAndKafkaPassThrough() throws Exception {
        Path file = dir.resolve("eddy.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "application.id=trainer-1",
                        "holdout.mode=topic",
                        "snapshot-every=25",
                        "kafka.security.protocol=SASL_SSL",
                        "model.a.input-size=4",
                        "model.a.layers=1:sigmoid",
                        "model.b.input-size=4",
                        "model.b.layers=3:softmax",
                        "model.b.loss=categorical_crossentropy",
                        "model.b.batch-size=8"),
                StandardCharsets.UTF_8);
        EddyConfig c = EddyConfig.load(file, Map.of("snapshot-every", "50", "bootstrap.servers", "h:1"));
        assertThat(c.applicationId()).isEqualTo("trainer-1");
        assertThat(c.holdoutMode()).isEqualTo(HoldoutMode.TOPIC);
        assertThat(c.snapshotEvery()).isEqualTo(50);
        assertThat(c.bootstrapServers()).isEqualTo("h:1");
        assertThat(c.models()).containsOnlyKeys("a", "b");
        assertThat(c.models().get("b").batchSize()).isEqualTo(8);
        assertThat(c.kafkaProperties()).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
        assertThat(c.streamsProperties().get("security.protocol")).isEqualTo("SASL_SSL");
    }

    @Test
    void tasksNeverIdleUnlessAKafkaKeySaysOtherwise() {
        assertThat(EddyConfig.of(minimal()).streamsProperties().get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
                .isEqualTo("-1");
        assertThat(EddyConfig.of(with("kafka.max.task.idle.ms", "20"))
                        .streamsProperties()
                        .get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
                .isEqualTo("20");
    }

    @Test
    void aSearchIsReadByEddyRunAndCheckedAtStartNamingTheKey() {
        Map<String, String> m = minimal();
        m.put("model.a.search.strategy", "asha");
        m.put("model.a.search.trials", "4");
        EddyConfig c = EddyConfig.of(m);
        assertThat(c.searches()).containsOnlyKeys("a");
        assertThat(c.searches().get("a").initialTrials()).hasSize(4);
        assertThat(c.models().get("a").layers())
                .as("the model itself, without search keys")
                .hasSize(3);
        // A searched layers entry lists the hidden layers; the model's output layer is appended.
        assertThat(c.trialModel("a", new java.util.TreeMap<>(Map.of("layers", "")))
                        .layers())
                .hasSize(1);
        assertThat(c.trialModel("a", new java.util.TreeMap<>(Map.of("layers", "64:relu,32:relu")))
                        .layers())
                .hasSize(3);

        Map<String, String> bad = new HashMap<>(m);
        bad.put("model.a.search.strategy", "annealing");
        assertThatThrownBy(() -> EddyConfig.of(bad)).hasMessageContaining("model.a.search.strategy");
        bad.put("model.a.search.strategy", "asha");
        bad.put("model.a.search.space.learning-rate", "loguniform(0.1,0.01)");
        assertThatThrownBy(() -> EddyConfig.of(bad)).hasMessageContaining("model.a.search.space.learning-rate");
        bad.remove("model.a.search.space.learning-rate");
        bad.put("model.a.search.space.colour", "red|blue");
        assertThatThrownBy(() -> EddyConfig.of(bad)).hasMessageContaining("model.a.search.space.colour");
        bad.remove("model.a.search.space.colour");
        bad.put("model.a.search.metric", "holdout_rmse");
        assertThatThrownBy(() -> EddyConfig.of(bad)).hasMessageContaining("model.a.search.metric=holdout_rmse");
        bad.put("model.a.search.metric", "prequential");
        bad.put("prequential.enabled", "false");
        assertThatThrownBy(() -> EddyConfig.of(bad))
                .hasMessageContaining("model.a.search.metric=prequential needs prequential.enabled=true");
    }

    /** Drift handling watches the prequential errors: without them it is off, and drift keys are refused. */
    @Test
    void withoutPrequentialScoringDriftKeysAreRefused() {
        Map<String, String> m = minimal();
        m.put("prequential.enabled", "false");
        EddyConfig.of(m);
        m.put("model.a.drift.detector", "ddm");
        assertThatThrownBy(() -> EddyConfig.of(m))
                .hasMessageContaining("model.a: drift.detector needs prequential.enabled=true");
        m.put("model.a.drift.detector", "none");
        assertThatThrownBy(() -> EddyConfig.of(m))
                .hasMessageContaining("model.a: drift.detector needs prequential.enabled=true");
        m.remove("model.a.drift.detector");
        m.put("model.a.drift.lr-factor", "2");
        assertThatThrownBy(() -> EddyConfig.of(m))
                .hasMessageContaining("model.a: drift.lr-factor needs prequential.enabled=true");
        m.remove("model.a.drift.lr-factor");
        m.put("model.a.search.strategy", "random");
        m.put("model.a.search.metric", "holdout_loss");
        m.put("model.a.search.space.drift.detector", "adwin|ddm");
        assertThatThrownBy(() -> EddyConfig.of(m))
                .hasMessageContaining("model.a.search.space.drift.detector needs prequential.enabled=true");
    }

    /** Only eddy evaluate serves the vote of the best trials; eddy run publishes the champion's snapshots alone. */
    @Test
    void eddyRunRefusesSearchEnsembleTopAboveOneNamingTheKey() {
        Map<String, String> m = minimal();
        m.put("model.a.search.strategy", "grid");
        m.put("model.a.search.space.learning-rate", "0.001|0.01|0.1");
        m.put("model.a.search.ensemble-top", "1");
        assertThat(EddyConfig.of(m).searches().get("a").ensembleTop()).isEqualTo(1);

        m.put("model.a.search.ensemble-top", "3");
        assertThatThrownBy(() -> EddyConfig.of(m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model.a.search.ensemble-top=3 applies to eddy evaluate only: eddy run serves the search's"
                        + " champion alone; remove the key or set it to 1");
    }

    @Test
    void badInputNamesTheKeyAndTheAllowedForm() {
        assertThatThrownBy(() -> EddyConfig.of(with("holdout.frac", "0.2")))
                .hasMessageContaining("unknown key 'holdout.frac'")
                .hasMessageContaining("holdout.fraction");
        assertThatThrownBy(() -> EddyConfig.of(with("holdout.mode", "random")))
                .hasMessage("holdout.mode must be one of split, topic; got 'random'");
        assertThatThrownBy(() -> EddyConfig.of(with("holdout.fraction", "1")))
                .hasMessage("holdout.fraction must be in [0, 1), got 1");
        assertThatThrownBy(() -> EddyConfig.of(with("processing.guarantee", "exactly_once")))
                .hasMessageContaining("processing.guarantee must be one of [exactly_once_v2, at_least_once]");
        assertThatThrownBy(() -> EddyConfig.of(with("holdout.buffer-size", "0")))
                .hasMessageContaining("holdout.buffer-size must be an integer in [1, ");
        assertThatThrownBy(() -> EddyConfig.of(with("model.a.batch-size", "zero")))
                .hasMessageStartingWith("model.a: ")
                .hasMessageContaining("batch-size");
        assertThatThrownBy(() -> EddyConfig.of(with("model.a/b.input-size", "2")))
                .hasMessageContaining("expected model.<id>.<trainer-key>");
        // '~' names a search's trials (<id>~tNN), so a model id never holds one
        assertThatThrownBy(() -> EddyConfig.of(with("model.a~t01.input-size", "2")))
                .hasMessage("bad key 'model.a~t01.input-size': expected model.<id>.<trainer-key> with <id> of letters,"
                        + " digits, '_' or '-'");
        assertThatThrownBy(() -> EddyConfig.of(Map.of("application.id", "x")))
                .hasMessageContaining("no model configured");
    }

    @Test
    void aRegressionModelStandardizesItsTargetUnlessToldOtherwiseOrWarmStarted() {
        Map<String, String> m = minimal();
        m.put("model.r.input-size", "4");
        m.put("model.r.layers", "8:relu,1:linear");
        m.put("model.raw.input-size", "4");
        m.put("model.raw.layers", "8:relu,1:linear");
        m.put("model.raw.standardize-target", "false");
        m.put("model.warm.input-size", "4");
        m.put("model.warm.layers", "8:relu,1:linear");
        m.put("model.warm.warm-start.from", "r");
        EddyConfig c = EddyConfig.of(m);
        assertThat(c.models().get("r").standardizeTarget()).isTrue();
        assertThat(c.models().get("raw").standardizeTarget()).isFalse();
        assertThat(c.models().get("warm").standardizeTarget())
                .as("a warm start copies a served output layer, in the target's units")
                .isFalse();
        assertThat(c.models().get("a").standardizeTarget()).as("classification").isFalse();
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> m = minimal();
        m.put(key, value);
        return m;
    }

    /**
     * A float32 regression model configured today is refused at start with the default standardize-target, saying
     * what to write (a stored one of before still restores: TargetStandardizationTest).
     */
    @Test
    void aFloat32RegressionModelIsRefusedAtStartUnlessItSaysStandardizeTargetFalse() {
        Map<String, String> m = new HashMap<>(
                Map.of("model.r.input-size", "2", "model.r.layers", "8:relu,1:linear", "model.r.precision", "float32"));
        assertThatThrownBy(() -> EddyConfig.of(m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model.r: standardize-target=true (the default of a new regression model)"
                        + " cannot combine with precision=float32");
        m.put("model.r.standardize-target", "false");
        assertThat(EddyConfig.of(m).models().get("r").standardizeTarget()).isFalse();
        m.remove("model.r.standardize-target");
        m.put("model.r.warm-start.file", "exported.eddy");
        assertThat(EddyConfig.of(m).models().get("r").standardizeTarget())
                .as("a warm-started model's default is false, so its float32 is not refused")
                .isFalse();
    }

    /** An ensemble.lambda above 1,000 is refused at start naming the model, the key and the range. */
    @Test
    void anEnsembleLambdaAboveTheBoundIsRefusedAtStart() {
        Map<String, String> m = minimal();
        m.put("model.a.ensemble", "bagging");
        m.put("model.a.ensemble.lambda", "1001");
        assertThatThrownBy(() -> EddyConfig.of(m))
                .hasMessageStartingWith("model.a: ensemble.lambda must be a number in (0, 1000], got 1001.0");
        m.put("model.a.ensemble.lambda", "1000");
        assertThat(EddyConfig.of(m).models().get("a").ensemble().lambda()).isEqualTo(1000);
    }

    /**
     * A search's trials are configurations started today too: a batch size its space can draw beyond the bound (a
     * trial of 400,000,000 ran the stream thread out of memory) or float32 trials of a regression model (which
     * standardizes its target) are refused at start, naming the trial.
     */
    @Test
    void aSearchSpaceReachingARefusedConfigurationIsRefusedAtStart() {
        Map<String, String> batch = new HashMap<>(Map.of(
                "model.m.input-size", "2",
                "model.m.layers", "1:sigmoid",
                "model.m.search.strategy", "random",
                "model.m.search.trials", "2",
                "model.m.search.space.batch-size", "int(1,400000000)"));
        assertThatThrownBy(() -> EddyConfig.of(batch))
                .hasMessageStartingWith("model.m (search trial {batch-size=")
                .hasMessageContaining("batch-size must be an integer in [1, 65536]");
        Map<String, String> precision = new HashMap<>(Map.of(
                "model.r.input-size", "2",
                "model.r.layers", "8:relu,1:linear",
                "model.r.search.strategy", "random",
                "model.r.search.trials", "2",
                "model.r.search.space.precision", "float64|float32"));
        assertThatThrownBy(() -> EddyConfig.of(precision))
                .hasMessageStartingWith("model.r (search trial {precision=float32}): standardize-target=true");
    }

    /** The application keys' ranges, as the README's table gives them: the bound is accepted, one beyond refused. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "snapshot.max-bytes|1048576|1048575|an integer in [1048576, 2147483647], got 1048575",
                "snapshot.max-bytes|2147483647|2147483648|an integer in [1048576, 2147483647], got 2147483648",
                "holdout.buffer-size|1|0|an integer in [1, 2147483647], got 0",
                "prequential.window|1|0|an integer in [1, 2147483647], got 0",
                "commit.interval.ms|1|0|an integer in [1, 9223372036854775807], got 0",
                "cache.max.bytes|0|-1|an integer in [0, 9223372036854775807], got -1",
                "gate.tolerance|0|-0.1|a finite number >= 0, got -0.1",
                "gate.tolerance|1e300|Infinity|a finite number >= 0, got Infinity"
            })
    void anApplicationKeyIsRefusedOutsideItsRange(String key, String bound, String beyond, String expected) {
        EddyConfig.of(with(key, bound));
        assertThatThrownBy(() -> EddyConfig.of(with(key, beyond))).hasMessage(key + " must be " + expected);
    }

    /** A search's trials start cold: search.* beside a warm start is refused at start, naming both. */
    @Test
    void aSearchCannotBeWarmStarted() {
        Map<String, String> m = minimal();
        m.put("model.a.search.strategy", "random");
        m.put("model.a.warm-start.file", "exported.eddy");
        assertThatThrownBy(() -> EddyConfig.of(m))
                .hasMessageStartingWith("model.a.search.* cannot combine with model.a.warm-start.file")
                .hasMessageContaining("every trial of a search starts cold");
    }

    /** The fan-out purge runs every 30 s unless fan-out.purge-interval-ms says otherwise, at least every second. */
    @Test
    void theFanOutPurgeIntervalDefaultsTo30SecondsAndIsAtLeastOne() {
        Map<String, String> m = new HashMap<>(Map.of("model.m.input-size", "2", "model.m.layers", "1:sigmoid"));
        assertThat(EddyConfig.of(m).fanOutPurgeIntervalMs()).isEqualTo(30_000);
        m.put("fan-out.purge-interval-ms", "86400000");
        assertThat(EddyConfig.of(m).fanOutPurgeIntervalMs()).isEqualTo(86_400_000);
        m.put("fan-out.purge-interval-ms", "999");
        assertThatThrownBy(() -> EddyConfig.of(m))
                .hasMessage("fan-out.purge-interval-ms must be an integer in [1000, 9223372036854775807], got 999");
    }

    /** A command waits 15 s for the cluster's first answer unless bootstrap.timeout-ms says otherwise, at least 1 s. */
    @Test
    void theBootstrapTimeoutDefaultsTo15SecondsAndIsAtLeastOne() {
        Map<String, String> m = new HashMap<>(Map.of("model.m.input-size", "2", "model.m.layers", "1:sigmoid"));
        assertThat(EddyConfig.of(m).bootstrapTimeout()).isEqualTo(Duration.ofSeconds(15));
        m.put("bootstrap.timeout-ms", "60000");
        assertThat(EddyConfig.forClients(null, m).bootstrapTimeout()).isEqualTo(Duration.ofMinutes(1));
        m.put("bootstrap.timeout-ms", "999");
        assertThatThrownBy(() -> EddyConfig.of(m))
                .hasMessage("bootstrap.timeout-ms must be an integer in [1000, 2147483647], got 999");
    }

    /**
     * kafka.bootstrap.servers is refused, naming the key to use: the clients took it, but the choice of an embedded
     * broker and the admin client that creates the topics went by bootstrap.servers, another cluster.
     */
    @Test
    void kafkaBootstrapServersIsRefusedNamingBootstrapServers() {
        Map<String, String> m = Map.of("kafka.bootstrap.servers", "broker1:9092");
        assertThatThrownBy(() -> EddyConfig.forClients(null, m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'kafka.bootstrap.servers' is not passed to the Kafka clients: set bootstrap.servers (or"
                        + " --bootstrap-servers) to broker1:9092");
    }
}
