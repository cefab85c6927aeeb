package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.TrainerConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses command records and re-keys them by model id ({@code *}: one copy per configured model), so they travel
 * the trainer-input topic to the task that owns the model. A {@code set} is validated against the model's
 * configuration here, so a bad value goes to the dead-letter topic rather than reaching the trainer.
 */
final class CommandRouter implements Processor<byte[], byte[], String, Routed> {

    private final SortedMap<String, TrainerConfig> models;
    private final TrainingListener listener;
    private ProcessorContext<String, Routed> context;

    CommandRouter(EddyConfig config, TrainingListener listener) {
        this.models = config.models();
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
        ModelCommand command;
        try {
            command = ModelCommand.parse(new String(record.value(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            DeadLetters.forward(context, listener, record, DeadLetterReason.BAD_COMMAND, e.getMessage(), null);
            return;
        }
        List<String> targets = command.model().equals(ModelCommand.ALL_MODELS)
                ? List.copyOf(models.keySet())
                : List.of(command.model());
        for (String modelId : targets) {
            String problem = problem(command, modelId);
            if (problem != null) {
                DeadLetters.forward(context, listener, record, DeadLetterReason.BAD_COMMAND, problem, modelId);
            } else {
                context.forward(new Record<String, Routed>(
                        modelId,
                        new TrainerInput.Command(command.forModel(modelId)),
                        record.timestamp(),
                        new RecordHeaders()));
            }
        }
    }

    private String problem(ModelCommand command, String modelId) {
        TrainerConfig model = models.get(modelId);
        if (model == null) {
            return "model '" + modelId + "' is not configured; configured: " + models.keySet();
        }
        if (command.kind() != ModelCommand.Kind.SET) {
            return null;
        }
        if (!TrainerConfig.LIVE_KEYS.contains(command.key())) {
            return "'" + command.key() + "' cannot be set while training; settable: "
                    + String.join(
                            ", ", TrainerConfig.LIVE_KEYS.stream().sorted().toList());
        }
        try {
            model.with(command.key(), command.value());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
