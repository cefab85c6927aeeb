package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Routes the copies of the fan-out topic ({@link FanOutTopic}) to the models of this task, by the input topic they
 * were copied from: examples and held-out examples through an {@link ExampleRouter}, commands through a {@link
 * CommandRouter}, each in its fan-out mode.
 */
final class FanOutRouter implements Processor<byte[], byte[], String, Routed> {

    private final ExampleRouter examples;
    private final ExampleRouter holdout;
    private final CommandRouter commands;

    FanOutRouter(EddyConfig config, ModelPartitions partitions, TrainingListener listener) {
        this.examples = new ExampleRouter(config, ExampleRouter.Source.EXAMPLES, partitions, true, listener);
        this.holdout = new ExampleRouter(config, ExampleRouter.Source.HOLDOUT, partitions, true, listener);
        this.commands = new CommandRouter(config, partitions, true, listener);
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        examples.init(context);
        holdout.init(context);
        commands.init(context);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        switch (FanOutTopic.Source.of(record.headers())) {
            case EXAMPLES -> examples.process(record);
            case HOLDOUT -> holdout.process(record);
            case COMMANDS -> commands.process(record);
        }
    }
}
