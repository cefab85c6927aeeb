package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.config.HoldoutMode;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerde;
import dev.eddy.serde.AvroSerdes;
import java.util.List;
import java.util.SortedMap;
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
    private final TrainingListener listener;
    private final AvroSerde<Example> serde = AvroSerdes.examples();
    private ProcessorContext<String, Routed> context;

    ExampleRouter(EddyConfig config, Source source, TrainingListener listener) {
        this.models = config.models();
        this.modelIds = List.copyOf(models.keySet());
        this.split = new HoldoutSplit(config.holdoutMode() == HoldoutMode.SPLIT ? config.holdoutFraction() : 0);
        this.source = source;
        this.topic = source == Source.EXAMPLES
                ? config.topics().examples()
                : config.topics().holdout();
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
        boolean holdout = source == Source.HOLDOUT || split.heldOut(example.getId());
        TrainerInput input = holdout ? new TrainerInput.Holdout(example) : new TrainerInput.Train(example);
        for (String modelId : named == null ? modelIds : List.of(named)) {
            ExampleCheck.Failure failure = ExampleCheck.check(example, models.get(modelId));
            if (failure != null) {
                DeadLetters.forward(context, listener, record, failure.reason(), failure.detail(), modelId);
            } else {
                context.forward(new Record<String, Routed>(modelId, input, record.timestamp(), new RecordHeaders()));
            }
        }
    }
}
