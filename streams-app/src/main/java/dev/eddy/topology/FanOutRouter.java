package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Routes the copies of the fan-out topic ({@link FanOutTopic}) to the models of this task, by the input topic they
 * were copied from: examples and held-out examples through an {@link ExampleRouter}, commands through a {@link
 * CommandRouter}, each in its fan-out mode; a spread search's messages to the trainer of its model.
 */
final class FanOutRouter implements Processor<byte[], byte[], String, Routed> {

    private final ExampleRouter examples;
    private final ExampleRouter holdout;
    private final CommandRouter commands;
    private final TrainingListener listener;
    private ProcessorContext<String, Routed> context;

    FanOutRouter(EddyConfig config, TrialPlacement placement, TrainingListener listener) {
        this.examples = new ExampleRouter(config, ExampleRouter.Source.EXAMPLES, placement, true, listener);
        this.holdout = new ExampleRouter(config, ExampleRouter.Source.HOLDOUT, placement, true, listener);
        this.commands = new CommandRouter(config, placement, true, listener);
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        examples.init(context);
        holdout.init(context);
        commands.init(context);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        FanOutTopic.Source source;
        try {
            source = FanOutTopic.Source.of(record.headers());
        } catch (IllegalArgumentException e) {
            DeadLetters.forward(context, listener, record, DeadLetterReason.UNDECODABLE, e.getMessage(), null);
            return;
        }
        switch (source) {
            case EXAMPLES -> examples.process(record);
            case HOLDOUT -> holdout.process(record);
            case COMMANDS -> commands.process(record);
            case SEARCH -> search(record);
        }
    }

    /** A spread search's message, for the trainer of its model in this task. */
    private void search(Record<byte[], byte[]> record) {
        SearchMessage message;
        try {
            message = SearchMessage.decode(record.value());
        } catch (SerializationException e) {
            DeadLetters.forward(context, listener, record, DeadLetterReason.UNDECODABLE, e.getMessage(), null);
            return;
        }
        context.forward(new Record<String, Routed>(
                message.modelId(), new TrainerInput.Search(message), record.timestamp(), new RecordHeaders()));
    }
}
