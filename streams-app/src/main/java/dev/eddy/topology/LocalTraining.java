package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.state.ChunkedBytes;
import dev.eddy.state.MapStore;
import dev.eddy.state.ModelStatus;
import java.util.Map;

/**
 * One model trained in process, outside Kafka Streams, by the same {@link ModelTraining} that the trainer processor
 * runs, over in-memory stores: the examples are checked and split between training and holdout as
 * {@link ExampleRouter} does (by the hash of the example id), batched, standardized, scored test-then-train and
 * trained exactly as on Kafka, so its prequential figures are what the application reports for the same examples in
 * the same order. Snapshots and metrics records are built and dropped. This is what {@code eddy evaluate} runs.
 */
public final class LocalTraining {

    private final TrainerConfig model;
    private final HoldoutSplit split;
    private final ModelTraining training;

    /**
     * @param config the application configuration of exactly one model (holdout split, prequential window, ...)
     * @param listener hears every prequential score ({@link TrainingListener#onPrequential}) and the rest
     * @throws IllegalArgumentException when the configuration names no model or several
     */
    public LocalTraining(EddyConfig config, TrainingListener listener) {
        this.model = onlyModel(config);
        String modelId = config.models().firstKey();
        this.split = new HoldoutSplit(config.holdoutFraction());
        ModelTraining.Stores stores = inMemoryStores();
        this.training = new ModelTraining(
                modelId,
                model,
                config.holdoutBufferSize(),
                config.snapshotEvery(),
                true,
                config.prequentialWindow(),
                stores,
                listener,
                record -> {},
                null,
                PublishedVersions.NONE,
                System.currentTimeMillis());
    }

    /**
     * The one model of {@code config}.
     *
     * @throws IllegalArgumentException when the configuration names no model or several, or a warm start
     */
    static TrainerConfig onlyModel(EddyConfig config) {
        Map<String, TrainerConfig> models = config.models();
        if (models.size() != 1) {
            throw new IllegalArgumentException("local training runs one model, got " + models.keySet());
        }
        if (!config.warmStarts().isEmpty()) {
            String id = config.warmStarts().firstKey();
            throw new IllegalArgumentException("local training starts every model cold; remove model." + id + "."
                    + config.warmStarts().get(id).spec() + " (warm starts are applied by 'eddy run')");
        }
        return models.values().iterator().next();
    }

    /** The stores of the trainer processor's task, in memory. */
    static ModelTraining.Stores inMemoryStores() {
        MapStore<byte[]> state = new MapStore<>(TrainingTopology.TRAINER_STATE_STORE);
        return new ModelTraining.Stores(
                state,
                new ChunkedBytes(state, ChunkedBytes.DEFAULT_CHUNK_BYTES),
                new MapStore<>(TrainingTopology.PARTIAL_BATCH_STORE),
                new MapStore<>(TrainingTopology.HOLDOUT_STORE),
                new MapStore<ModelStatus>(TrainingTopology.STATUS_STORE));
    }

    /** Whether the split holds this example out (by the hash of its id). */
    public boolean heldOut(Example example) {
        return split.heldOut(example.getId());
    }

    /**
     * Routes the next example: held out (scored, kept for evaluations, never trained on) when the split says so,
     * else scored and trained on with its batch.
     *
     * @throws IllegalArgumentException naming the example when it does not fit the model (where the application
     *     would send it to the dead-letter topic)
     */
    public void accept(Example example) {
        ExampleCheck.Failure failure = ExampleCheck.check(example, model);
        if (failure != null) {
            throw new IllegalArgumentException(
                    "example " + example.getId() + " does not fit the model: " + failure.detail());
        }
        // No stored state here, so nothing is stale: every example that passed the check is used.
        if (heldOut(example)) {
            training.holdout(example);
        } else {
            training.train(example, System.currentTimeMillis());
        }
    }

    /**
     * At the end of a finite stream: scores the examples of the partial batch, which no step will use, with the model
     * in force, so that every example of the stream has been scored.
     */
    public void finish() {
        training.scorePartialBatch();
    }

    /** What the model predicts now for these rows (class index or value), without training. */
    public double[] predictions(double[][] features) {
        return training.predictions(features);
    }

    /** The trainer's complete state now ({@code Trainer#state}). */
    public byte[] trainerState() {
        return training.trainerState();
    }

    /** The model's counters now. */
    public ModelStatus status() {
        return training.status();
    }
}
