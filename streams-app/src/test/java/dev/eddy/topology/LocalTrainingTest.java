package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.schema.Example;
import dev.eddy.state.ModelStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-process training is the training of the topology: same split, same scores, same parameters. */
class LocalTrainingTest {

    private static final String MODEL = "m";

    @TempDir
    Path dir;

    private static Map<String, String> settings() {
        Map<String, String> s = TrainingFixture.logisticModel(MODEL);
        s.put("application.id", "local");
        s.put("holdout.fraction", "0.25");
        s.put("prequential.window", "9");
        s.put("model." + MODEL + ".optimizer", "adam");
        s.put("model." + MODEL + ".eval-every", "3");
        s.put("model." + MODEL + ".standardize", "true");
        s.put("model." + MODEL + ".early-stopping.enabled", "true");
        s.put("model." + MODEL + ".early-stopping.patience", "2");
        return s;
    }

    @Test
    void scoresAndTrainsBitIdenticallyToTheTopology() {
        List<Example> examples = TrainingFixture.blobs(301, 17, MODEL);
        ModelStatus onKafka;
        byte[] stateOnKafka;
        List<TrainingFixture.Scored> scoredOnKafka;
        try (TrainingFixture f = new TrainingFixture(settings(), dir)) {
            f.pipe(examples);
            onKafka = f.status(MODEL);
            stateOnKafka = f.trainerState(MODEL);
            scoredOnKafka = f.scored;
        }
        List<double[]> scoredLocally = new ArrayList<>();
        LocalTraining local = new LocalTraining(EddyConfig.of(settings()), new TrainingListener() {
            @Override
            public void onPrequential(
                    String modelId, double[] predicted, double[] labels, double metric, double windowMetric) {
                scoredLocally.add(new double[] {predicted.length, metric, windowMetric});
            }
        });
        examples.forEach(local::accept);
        ModelStatus status = local.status();

        assertThat(status.holdoutReceived())
                .isEqualTo(onKafka.holdoutReceived())
                .isBetween(50L, 100L);
        assertThat(status.paused())
                .as("early stopping fired in both")
                .isEqualTo(onKafka.paused())
                .isTrue();
        assertThat(status.prequentialExamples()).isEqualTo(onKafka.prequentialExamples());
        assertThat(status.prequentialSum()).isEqualTo(onKafka.prequentialSum());
        assertThat(status.steps()).isEqualTo(onKafka.steps());
        assertThat(scoredLocally).hasSameSizeAs(scoredOnKafka);
        for (int i = 0; i < scoredLocally.size(); i++) {
            assertThat(scoredLocally.get(i)[1]).isEqualTo(scoredOnKafka.get(i).metric());
            assertThat(scoredLocally.get(i)[2]).isEqualTo(scoredOnKafka.get(i).windowMetric());
        }
        assertThat(local.trainerState()).isEqualTo(stateOnKafka);
    }

    @Test
    void finishScoresThePartialBatchAndAnExampleThatDoesNotFitIsAnError() {
        Map<String, String> s = settings();
        s.put("holdout.fraction", "0");
        LocalTraining local = new LocalTraining(EddyConfig.of(s), TrainingListener.NONE);
        TrainingFixture.blobs(10, 3, MODEL).forEach(local::accept);
        assertThat(local.status().prequentialExamples()).isEqualTo(8);
        local.finish();
        assertThat(local.status().prequentialExamples()).isEqualTo(10);
        assertThat(local.status().steps()).isEqualTo(2);

        Example wide = Example.newBuilder(TrainingFixture.blobs(1, 4, MODEL).get(0))
                .setFeatures(List.of(1.0, 2.0, 3.0))
                .build();
        assertThatThrownBy(() -> local.accept(wide))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("example ex-4-0 does not fit the model: expected 2 features, got 3");
    }

    @Test
    void aWarmStartIsRefusedNamingTheKey() {
        Map<String, String> s = settings();
        s.put("model." + MODEL + ".warm-start.from", "src@3");
        assertThatThrownBy(() -> new LocalTraining(EddyConfig.of(s), TrainingListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("local training starts every model cold; remove model.m.warm-start.from=src@3 (warm starts"
                        + " are applied by 'eddy run')");
    }
}
