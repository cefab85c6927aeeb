package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.state.PreCommit;
import dev.eddy.state.PreCommitStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** A model's state is written to its stores once per commit, and what is written continues the model exactly. */
class StateAtCommitTest {

    private static final String MODEL = "m";

    private static TrainerConfig batchOfOne() {
        Map<String, String> s = TrainingFixture.logisticModel(MODEL);
        s.put("application.id", "commit");
        s.put("model." + MODEL + ".batch-size", "1");
        s.put("model." + MODEL + ".optimizer", "adam");
        return EddyConfig.of(s).models().get(MODEL);
    }

    private static ModelTraining open(ModelTraining.Stores stores) {
        return new ModelTraining(
                MODEL,
                batchOfOne(),
                10,
                0,
                true,
                5,
                stores,
                new TrainingListener() {},
                r -> {},
                null,
                PublishedVersions.NONE,
                0L);
    }

    @Test
    void stepsLeaveTheStoresAloneUntilTheFlushWhichALaterOpeningContinuesExactly() {
        List<Example> examples = TrainingFixture.blobs(40, 3, MODEL);
        ModelTraining.Stores stores = LocalTraining.inMemoryStores();
        ModelTraining live = open(stores);
        assertThat(stores.status().get(MODEL)).as("an open model's status").isNotNull();
        examples.subList(0, 10).forEach(e -> live.train(e, 0));
        // Only the status the model got when it opened, which tells that this task trains it.
        assertThat(stores.status().get(MODEL).steps()).isZero();
        assertThat(stores.trainerState().approximateNumEntries()).isZero();
        assertThat(stores.partialBatches().approximateNumEntries()).isZero();

        live.flushState();
        assertThat(stores.status().get(MODEL).steps()).isEqualTo(10);
        ModelTraining reopened = open(stores);
        assertThat(reopened.trainerState()).isEqualTo(live.trainerState());

        stores.status().delete(MODEL);
        live.flushState(); // nothing changed since the last flush: nothing written
        assertThat(stores.status().get(MODEL)).isNull();

        for (Example e : examples.subList(10, 40)) {
            live.train(e, 0);
            reopened.train(e, 0);
        }
        assertThat(reopened.trainerState()).isEqualTo(live.trainerState());
        assertThat(reopened.status()).isEqualTo(live.status());
    }

    @Test
    void aPreCommitStoreRunsItsTasksActionBeforeFlushingItsCache() {
        PreCommit preCommit = new PreCommit();
        KeyValueStore<String, String> store = PreCommitStore.wrapping(
                        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.String())
                                .withLoggingDisabled(),
                        preCommit)
                .build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        TaskId task = context.taskId();
        List<String> ran = new ArrayList<>();
        Runnable action = () -> {
            ran.add("action");
            store.put("written", "at the commit");
        };
        preCommit.register(task, action);
        ((PreCommitStore<String, String>) store).flushCache();
        assertThat(ran).containsExactly("action");
        assertThat(store.get("written")).isEqualTo("at the commit");

        preCommit.register(task, () -> ran.add("a later processor of the task"));
        preCommit.unregister(task, action); // the earlier one's close does not remove the later one
        ((PreCommitStore<String, String>) store).flushCache();
        assertThat(ran).containsExactly("action", "a later processor of the task");
        store.close();
    }
}
