package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * A model without a status continues the versions its id has on the snapshot topic; the version it continues from is
 * part of its status, so a reopening (a restart, a replay) reads nothing and goes on from the stored versions, as
 * after a {@code reset}.
 */
class PublishedVersionsTest {

    private static final String MODEL = "m";

    /** A snapshot after every step of one example. */
    private static ModelTraining open(
            ModelTraining.Stores stores, PublishedVersions published, List<ModelSnapshot> out) {
        Map<String, String> s = TrainingFixture.logisticModel(MODEL);
        s.put("application.id", "versions");
        s.put("model." + MODEL + ".batch-size", "1");
        return new ModelTraining(
                MODEL,
                EddyConfig.of(s).models().get(MODEL),
                10,
                1,
                true,
                5,
                stores,
                TrainingListener.NONE,
                (SpecificRecord r) -> {
                    if (r instanceof ModelSnapshot snapshot) {
                        out.add(snapshot);
                    }
                },
                null,
                published,
                0L);
    }

    @Test
    void aNewModelContinuesTheTopicsVersionsAndAReopenedOneItsOwnWithoutReading() {
        List<Example> examples = TrainingFixture.blobs(6, 1, MODEL);
        ModelTraining.Stores stores = LocalTraining.inMemoryStores();
        AtomicInteger reads = new AtomicInteger();
        List<ModelSnapshot> published = new ArrayList<>();
        ModelTraining fresh = open(
                stores,
                new PublishedVersions(() -> {
                    reads.incrementAndGet();
                    return Map.of(MODEL, 9L, "other", 40L);
                }),
                published);
        assertThat(stores.status().get(MODEL).snapshotVersion())
                .as("the version continued from, in the status written when the model opens")
                .isEqualTo(9);
        examples.subList(0, 2).forEach(e -> fresh.train(e, 0));
        fresh.flushState();

        ModelTraining reopened = open(
                stores,
                new PublishedVersions(() -> {
                    throw new AssertionError("a model with a status reads no topic");
                }),
                published);
        examples.subList(2, 4).forEach(e -> reopened.train(e, 0));
        reopened.command(ModelCommand.parse("reset " + MODEL), 0);
        examples.subList(4, 6).forEach(e -> reopened.train(e, 0));
        assertThat(published).extracting(ModelSnapshot::getVersion).containsExactly(10L, 11L, 12L, 13L, 14L, 15L);
        assertThat(reads).hasValue(1);
    }

    @Test
    void aModelItsTopicHasNoVersionOfStartsAtZero() {
        List<ModelSnapshot> published = new ArrayList<>();
        ModelTraining m =
                open(LocalTraining.inMemoryStores(), new PublishedVersions(() -> Map.of("other", 40L)), published);
        TrainingFixture.blobs(2, 1, MODEL).forEach(e -> m.train(e, 0));
        assertThat(published).extracting(ModelSnapshot::getVersion).containsExactly(0L, 1L);
    }
}
