package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.config.HoldoutMode;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerde;
import dev.eddy.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Validates raw example records and routes them to model trainers: decode, pick the target models (the named one,
 * or every configured model when the example names none: fan-out), check the example against each target model,
 * choose the side (train or holdout) and re-key by model id. A record that fails any check goes to the dead-letter
 * topic unchanged; for fan-out, each model that rejects it yields its own dead letter, the others still get it.
 *
 * <p>With {@code routing=direct} on input of several partitions ({@link ModelPartitions}) a model trains in the task
 * of its own partition: an example that names a model must be keyed by that model id (else it is a {@code wrong-key}
 * dead letter), and an example for every model is trained here by this task's models and copied once to each other
 * partition that hosts a model accepting it ({@link FanOutTopic}); the partitions hosting trials of a spread search
 * ({@link TrialPlacement}) get a copy of each example of its model the same way. A router of those copies ({@code fannedOut}) routes
 * them to its own task's models only, and writes no dead letters: the task that read the original wrote them, and the
 * checks are a pure function of the example and the model's configuration, so they reject the same models here.
 */
final class ExampleRouter implements Processor<byte[], byte[], String, Routed> {

    /** Where the records of this source are headed. */
    enum Source {
        /** The examples topic: train, or holdout when the split says so. */
        EXAMPLES,
        /** The holdout topic: always holdout. */
        HOLDOUT
    }

    private final SortedMap<String, TrainerConfig> models;
    private final List<String> modelIds;
    private final HoldoutSplit split;
    private final Source source;
    private final String topic;
    private final TrialPlacement placement;
    private final boolean fannedOut;
    private final TrainingListener listener;
    private final AvroSerde<Example> serde = AvroSerdes.examples();
    private ProcessorContext<String, Routed> context;

    /**
     * @param placement where the models and trials train ({@link TrialPlacement#ONE}: all in this task)
     * @param fannedOut whether it routes the copies of the fan-out topic rather than the records of {@code source}
     */
    ExampleRouter(
            EddyConfig config, Source source, TrialPlacement placement, boolean fannedOut, TrainingListener listener) {
        this.models = config.models();
        this.modelIds = List.copyOf(models.keySet());
        this.split = new HoldoutSplit(config.holdoutMode() == HoldoutMode.SPLIT ? config.holdoutFraction() : 0);
        this.source = source;
        this.topic = source == Source.EXAMPLES
                ? config.topics().examples()
                : config.topics().holdout();
        this.placement = placement;
        this.fannedOut = fannedOut;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            DeadLetters.forward(context, listener, record, DeadLetterReason.NULL_VALUE, "record has no value", null);
            return;
        }
        Example example;
        try {
            example = serde.deserialize(topic, record.value());
        } catch (SerializationException e) {
            DeadLetters.forward(context, listener, record, DeadLetterReason.UNDECODABLE, e.getMessage(), null);
            return;
        }
        String named = example.getModelId() == null ? null : example.getModelId();
        if (named != null && !models.containsKey(named)) {
            DeadLetters.forward(
                    context,
                    listener,
                    record,
                    DeadLetterReason.UNKNOWN_MODEL,
                    "model '" + named + "' is not configured; configured: " + modelIds,
                    named);
            return;
        }
        if (named != null && placement.partitions().partitioned() && !fannedOut) {
            String wrong = wrongKey(record, named);
            if (wrong != null) {
                DeadLetters.forward(context, listener, record, DeadLetterReason.WRONG_KEY, wrong, named);
                return;
            }
        }
        boolean holdout = source == Source.HOLDOUT || split.heldOut(example.getId());
        TrainerInput input = holdout ? new TrainerInput.Holdout(example) : new TrainerInput.Train(example);
        int here = context.taskId().partition();
        SortedSet<Integer> elsewhere = new TreeSet<>();
        for (String modelId : named == null ? modelIds : List.of(named)) {
            boolean local = placement.trainsIn(modelId, here);
            if (fannedOut && !local) {
                continue; // that partition's task got its own copy
            }
            ExampleCheck.Failure failure = ExampleCheck.check(example, models.get(modelId));
            if (failure != null) {
                if (!fannedOut) {
                    DeadLetters.forward(context, listener, record, failure.reason(), failure.detail(), modelId);
                }
                continue;
            }
            if (local) {
                context.forward(new Record<String, Routed>(modelId, input, record.timestamp(), new RecordHeaders()));
            }
            if (!fannedOut && placement.partitions().partitioned()) {
                elsewhere.addAll(placement.partitionsOf(modelId));
            }
        }
        elsewhere.remove(here);
        FanOutTopic.Source copies = source == Source.HOLDOUT ? FanOutTopic.Source.HOLDOUT : FanOutTopic.Source.EXAMPLES;
        for (int partition : elsewhere) {
            context.forward(new Record<String, Routed>(
                    null, new Routed.FanOut(partition, record.value()), record.timestamp(), copies.headers()));
        }
    }

    /** Why an example naming {@code modelId} cannot reach its trainer from this partition, or null when it can. */
    private String wrongKey(Record<byte[], byte[]> record, String modelId) {
        int partition = context.recordMetadata().orElseThrow().partition();
        if (record.key() == null || !Arrays.equals(record.key(), modelId.getBytes(StandardCharsets.UTF_8))) {
            return "the example names model '" + modelId + "' but its key is "
                    + (record.key() == null ? "null" : "'" + new String(record.key(), StandardCharsets.UTF_8) + "'")
                    + "; with routing=direct on " + placement.partitions().count()
                    + " partitions an example naming a model"
                    + " must be keyed by the model id (or use routing=repartition)";
        }
        if (placement.home(modelId) != partition) {
            return "the example keyed '" + modelId + "' is in partition " + partition + ", but model '" + modelId
                    + "' trains in partition " + placement.home(modelId) + " (murmur2 of the key mod "
                    + placement.partitions().count() + ", Kafka's default partitioner)";
        }
        return null;
    }
}
