package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.train.TrainerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses command records and re-keys them by model id ({@code *}: one copy per configured model), so they travel
 * the trainer-input topic to the task that owns the model. A {@code set} is validated against the model's
 * configuration (and a search's, which owns its searched keys) here, so a bad value goes to the dead-letter topic
 * rather than reaching the trainer: one dead letter per command, also when it is refused for several of the models
 * of {@code *}, naming each problem and the models it refuses (the others take the command). A command to a
 * search's trial ({@code resume <id>~tNN}, {@code set <id>~tNN key value}) goes to the task of {@code <id>}.
 *
 * <p>With {@code routing=direct} on input of several partitions ({@link TrialPlacement}) a command reaches the
 * partition of each model it names, whatever its key: it is applied here to this task's models and copied once to each
 * other such partition ({@link FanOutTopic}), whose router ({@code fannedOut}) applies it to its own models and writes
 * no dead letters (the task that read the original wrote them; the checks are pure). A command for a spread search or
 * one of its trials goes to the task of the model id, which forwards to the trials' hosts what concerns them ({@link
 * SearchMessage.Command}), so that they apply it in order with the search's decisions.
 */
final class CommandRouter implements Processor<byte[], byte[], String, Routed> {

    private final SortedMap<String, TrainerConfig> models;
    private final SortedMap<String, SearchConfig> searches;
    private final TrialPlacement placement;
    private final boolean fannedOut;
    private final TrainingListener listener;
    private ProcessorContext<String, Routed> context;

    /**
     * @param placement where the models and trials train ({@link TrialPlacement#ONE}: all in this task)
     * @param fannedOut whether it routes the copies of the fan-out topic rather than the commands topic's records
     */
    CommandRouter(EddyConfig config, TrialPlacement placement, boolean fannedOut, TrainingListener listener) {
        this.models = config.models();
        this.searches = config.searches();
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
        int here = context.taskId().partition();
        SortedSet<Integer> elsewhere = new TreeSet<>();
        Map<String, List<String>> refusals = new LinkedHashMap<>(); // problem -> the models it refuses
        for (String target : targets) {
            // A search's trial <id>~tNN is commanded from the task of <id>.
            String modelId = SearchTraining.modelOf(target);
            int home = placement.home(modelId);
            boolean local = !placement.partitions().partitioned() || home == here;
            if (fannedOut && !local) {
                continue; // that partition's task got its own copy
            }
            String problem = problem(command, target);
            if (problem != null) {
                refusals.computeIfAbsent(problem, p -> new ArrayList<>()).add(modelId);
                continue;
            }
            if (local) {
                context.forward(new Record<String, Routed>(
                        modelId,
                        new TrainerInput.Command(command.forModel(target)),
                        record.timestamp(),
                        new RecordHeaders()));
            }
            if (!fannedOut && placement.partitions().partitioned()) {
                elsewhere.add(home);
            }
        }
        if (!refusals.isEmpty() && !fannedOut) {
            List<String> refused =
                    refusals.values().stream().flatMap(List::stream).toList();
            DeadLetters.forward(
                    context,
                    listener,
                    record,
                    DeadLetterReason.BAD_COMMAND,
                    refusal(command, refusals, targets.size()),
                    refused.size() == 1 ? refused.get(0) : null);
        }
        elsewhere.remove(here);
        for (int partition : elsewhere) {
            context.forward(new Record<String, Routed>(
                    null,
                    new Routed.FanOut(partition, record.value()),
                    record.timestamp(),
                    FanOutTopic.Source.COMMANDS.headers()));
        }
    }

    /**
     * The detail of the one dead letter of a command that {@code refusals} (problem → the models it refuses) name: the
     * problem of a command to one model as it is; of a command to {@code *}, each problem after the models it refuses
     * ({@code every model (a, b): ...} when they are all of them).
     */
    private static String refusal(ModelCommand command, Map<String, List<String>> refusals, int targets) {
        if (!command.model().equals(ModelCommand.ALL_MODELS)) {
            return refusals.keySet().iterator().next();
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : refusals.entrySet()) {
            List<String> refused = e.getValue();
            String who = refused.size() == targets
                    ? "every model (" + String.join(", ", refused) + ")"
                    : refused.size() == 1
                            ? "model '" + refused.get(0) + "'"
                            : "models '" + String.join("', '", refused) + "'";
            parts.add(who + ": " + e.getKey());
        }
        return String.join("; ", parts);
    }

    private String problem(ModelCommand command, String target) {
        String modelId = SearchTraining.modelOf(target);
        TrainerConfig model = models.get(modelId);
        if (model == null) {
            return "model '" + modelId + "' is not configured; configured: " + models.keySet();
        }
        if (!target.equals(modelId)) {
            String trials = trialProblem(command, target, modelId);
            if (trials != null) {
                return trials;
            }
        }
        if (command.kind() != ModelCommand.Kind.SET) {
            return null;
        }
        SearchConfig search = searches.get(modelId);
        String searched = search == null ? null : SearchTraining.refusal(modelId, search, command.forModel(target));
        if (searched != null) {
            return searched;
        }
        if (!TrainerConfig.LIVE_KEYS.contains(command.key())) {
            return "'" + command.key() + "' cannot be set while training; settable: "
                    + String.join(
                            ", ", TrainerConfig.LIVE_KEYS.stream().sorted().toList());
        }
        try {
            return model.with(command.key(), command.value()).newConfigurationRefusal();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** A command to one trial: {@code resume} or {@code set} of a trial {@code <id>~tNN} of a configured search. */
    private String trialProblem(ModelCommand command, String target, String modelId) {
        SearchConfig search = searches.get(modelId);
        if (search == null) {
            return "'" + target + "' is not a trial: model '" + modelId + "' has no search.* keys";
        }
        int trials = search.trials();
        boolean known = false;
        for (int t = 0; t < trials; t++) {
            known |= SearchTraining.trialId(modelId, t).equals(target);
        }
        if (!known) {
            return "'" + target + "' is not a trial of model '" + modelId + "'; its trials are "
                    + SearchTraining.trialId(modelId, 0) + " to " + SearchTraining.trialId(modelId, trials - 1);
        }
        if (command.kind() == ModelCommand.Kind.RESET) {
            return "a trial cannot be reset alone; 'reset " + modelId + "' restarts the search";
        }
        return null;
    }
}
