package dev.eddy.serving;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.monitor.Mode;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The quality gate on published snapshots. With m the holdout {@code metric} of a candidate snapshot, m* that of the
 * last accepted snapshot of the same model, and τ the {@code tolerance}:
 *
 * <pre>
 * refuse  iff  m* + τ &lt; m   (metric to minimize: loss, mae, rmse)
 *         iff  m* − τ &gt; m   (metric to maximize: accuracy, precision, recall, f1, auc)
 * </pre>
 *
 * i.e. iff the last accepted snapshot beats the candidate by more than τ ({@link Mode#improves}). The first snapshot
 * of a model is accepted; a candidate without the metric is accepted only if the last accepted had none either. A
 * {@code DRIFT} or {@code CHALLENGER} snapshot is accepted and starts the comparison afresh (m* none): the holdout of
 * the old concept is gone (or judged the old model), so the next snapshot's metric, on the new concept's holdout,
 * becomes m* (compared across the change, every later snapshot could be refused and serving would keep the stale
 * model for good). A refused snapshot is still published, with {@code accepted = false} and the reason, and never
 * becomes m*. With the gate off every snapshot is accepted.
 *
 * <p>The gate runs as a processor between the trainer and the snapshot sink, in the trainer's task, so its state
 * (m* and its version per model, store {@value #STORE}, changelogged) is committed with the trainer's: exactly once.
 *
 * @param enabled false: accept everything
 * @param metric the key of {@code holdoutMetrics} compared, e.g. {@code loss} or {@code accuracy}
 * @param tolerance τ ≥ 0, in the metric's units
 */
public record QualityGate(boolean enabled, String metric, double tolerance) {

    /** State store of the gate: model id → {@code "<version> <metric value>"} of the last accepted snapshot. */
    public static final String STORE = "eddy-quality-gate";

    /** Metrics where smaller is better; every other metric is maximized. */
    private static final Set<String> MINIMIZED = Set.of("loss", "mae", "rmse");

    private static final List<String> KNOWN =
            List.of("loss", "mae", "rmse", "accuracy", "precision", "recall", "f1", "auc");

    /** The gate that accepts every snapshot. */
    public static final QualityGate OFF = new QualityGate(false, "loss", 0);

    /**
     * The gate of {@code gate.enabled}, {@code gate.metric} and {@code gate.tolerance}.
     *
     * @throws IllegalArgumentException when a model's snapshots do not carry {@code gate.metric}: they carry the loss
     *     and the metric the model monitors ({@code early-stopping.monitor}, else {@code plateau.monitor})
     */
    public static QualityGate of(EddyConfig config) {
        QualityGate gate = new QualityGate(
                Boolean.parseBoolean(config.value("gate.enabled")),
                config.value("gate.metric"),
                Double.parseDouble(config.value("gate.tolerance")));
        if (gate.enabled() && !gate.metric().equals("loss")) {
            String wanted = "holdout_" + gate.metric();
            config.models().forEach((id, model) -> {
                if (!model.holdoutMonitor().equals(wanted)) {
                    throw new IllegalArgumentException("gate.metric=" + gate.metric() + " is not in the snapshots of"
                            + " model '" + id + "', which carry the holdout loss and the metric the model monitors ("
                            + model.holdoutMonitor() + "): set model." + id + ".early-stopping.monitor=" + wanted
                            + " (with early-stopping.enabled=true), or gate.metric=loss");
                }
            });
        }
        return gate;
    }

    public QualityGate {
        if (!KNOWN.contains(metric)) {
            throw new IllegalArgumentException("gate.metric must be one of " + KNOWN + ", got '" + metric + "'");
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("gate.tolerance must be a finite number >= 0, got " + tolerance);
        }
    }

    /** The direction in which {@link #metric} improves. */
    public Mode mode() {
        return MINIMIZED.contains(metric) ? Mode.MIN : Mode.MAX;
    }

    /**
     * Why {@code candidate} is refused given the last accepted snapshot's version and metric (NaN: it had none), or
     * null if it is accepted.
     */
    public String refusal(ModelSnapshot candidate, long lastVersion, double lastMetric) {
        if (!enabled || lastVersion < 0 || Double.isNaN(lastMetric)) {
            return null;
        }
        Double m = candidate.getHoldoutMetrics().get(metric);
        if (m == null || m.isNaN()) {
            return "no holdout " + metric + " to compare with v" + lastVersion + "'s " + lastMetric;
        }
        if (mode().improves(lastMetric, m, tolerance)) {
            return "holdout " + metric + " " + m + " is worse than v" + lastVersion + "'s " + lastMetric
                    + " by more than the tolerance " + tolerance;
        }
        return null;
    }

    /** The gate's processor, for {@code KStream#processValues} on the trainer's snapshots; declares {@link #STORE}. */
    public FixedKeyProcessorSupplier<String, ModelSnapshot, ModelSnapshot> supplier(ServingListener listener) {
        QualityGate gate = this;
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, ModelSnapshot, ModelSnapshot> get() {
                return new Processor(gate, listener);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String()));
            }
        };
    }

    /** Marks each snapshot accepted or refused and remembers the last accepted one per model. */
    private static final class Processor implements FixedKeyProcessor<String, ModelSnapshot, ModelSnapshot> {
        private final QualityGate gate;
        private final ServingListener listener;
        private FixedKeyProcessorContext<String, ModelSnapshot> context;
        private KeyValueStore<String, String> accepted;

        Processor(QualityGate gate, ServingListener listener) {
            this.gate = gate;
            this.listener = listener;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, ModelSnapshot> context) {
            this.context = context;
            this.accepted = context.getStateStore(STORE);
        }

        @Override
        public void process(FixedKeyRecord<String, ModelSnapshot> record) {
            ModelSnapshot s = record.value();
            String last = accepted.get(s.getModelId());
            long lastVersion = -1;
            double lastMetric = Double.NaN;
            if (last != null) {
                int space = last.indexOf(' ');
                lastVersion = Long.parseLong(last.substring(0, space));
                lastMetric = Double.parseDouble(last.substring(space + 1));
            }
            // a drift or a challenger's swap: the old holdout is gone, the comparison starts afresh
            boolean change = s.getReason() == SnapshotReason.DRIFT || s.getReason() == SnapshotReason.CHALLENGER;
            String refusal = change ? null : gate.refusal(s, lastVersion, lastMetric);
            ModelSnapshot out;
            if (refusal == null) {
                Double m = change ? null : s.getHoldoutMetrics().get(gate.metric());
                accepted.put(s.getModelId(), s.getVersion() + " " + (m == null ? Double.NaN : m));
                out = s.getAccepted() && s.getRefusalReason() == null
                        ? s
                        : ModelSnapshot.newBuilder(s)
                                .setAccepted(true)
                                .setRefusalReason(null)
                                .build();
            } else {
                out = ModelSnapshot.newBuilder(s)
                        .setAccepted(false)
                        .setRefusalReason(refusal)
                        .build();
                listener.onRefused(s.getModelId(), s.getVersion(), refusal);
            }
            context.forward(record.withValue(out));
        }
    }
}
