package dev.eddy.serde;

import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.Prediction;
import dev.eddy.schema.TrainingMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * Serdes of Eddy's topic records. When an {@code .avsc} changes, keep the previous version readable
 * by passing its schema to {@link AvroSerde#of} here: a copy of it lives in the schemas module under
 * {@code dev/eddy/schema/earlier/}.
 */
public final class AvroSerdes {

    /**
     * ModelSnapshot as the first builds wrote it, before drift: reasons PERIODIC to FINAL only (an enum resolves by
     * symbol, and the current one keeps them all).
     */
    private static final Schema SNAPSHOT_BEFORE_DRIFT = earlier("ModelSnapshot-before-drift.avsc");

    /** ModelSnapshot as written before the warm-start lineage field. */
    private static final Schema SNAPSHOT_BEFORE_LINEAGE = earlier("ModelSnapshot-before-lineage.avsc");

    /** ModelSnapshot as written before the precision field (with the lineage field). */
    private static final Schema SNAPSHOT_BEFORE_PRECISION = earlier("ModelSnapshot-before-precision.avsc");

    /** ModelSnapshot as written before sparse tensors ({@code NamedTensor.indices}; with lineage and precision). */
    private static final Schema SNAPSHOT_BEFORE_SPARSE = earlier("ModelSnapshot-before-sparse.avsc");

    /** ModelSnapshot as written before search (trial, trialConfig, reason CHAMPION; with lineage, precision, sparse). */
    private static final Schema SNAPSHOT_BEFORE_SEARCH = earlier("ModelSnapshot-before-search.avsc");

    /** TrainingMetrics as the first builds wrote it, before the prequential window metric. */
    private static final Schema METRICS_BEFORE_PREQUENTIAL_WINDOW =
            earlier("TrainingMetrics-before-prequential-window.avsc");

    /** TrainingMetrics as written before the event field (with the prequential window metric). */
    private static final Schema METRICS_BEFORE_EVENT = earlier("TrainingMetrics-before-event.avsc");

    /** TrainingMetrics as written before the sparsity field. */
    private static final Schema METRICS_BEFORE_SPARSITY = earlier("TrainingMetrics-before-sparsity.avsc");

    /** Prediction as written before search (the trial field). */
    private static final Schema PREDICTION_BEFORE_SEARCH = earlier("Prediction-before-search.avsc");

    private AvroSerdes() {}

    /** An earlier schema kept in the schemas module ({@code dev/eddy/schema/earlier/<name>}). */
    static Schema earlier(String name) {
        try (InputStream in = ModelSnapshot.class.getResourceAsStream("earlier/" + name)) {
            if (in == null) {
                throw new IllegalStateException("earlier schema dev/eddy/schema/earlier/" + name + " is missing");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AvroSerde<Example> examples() {
        return AvroSerde.of(Example.class);
    }

    public static AvroSerde<ModelSnapshot> modelSnapshots() {
        return AvroSerde.of(
                ModelSnapshot.class,
                SNAPSHOT_BEFORE_DRIFT,
                SNAPSHOT_BEFORE_LINEAGE,
                SNAPSHOT_BEFORE_PRECISION,
                SNAPSHOT_BEFORE_SPARSE,
                SNAPSHOT_BEFORE_SEARCH);
    }

    public static AvroSerde<TrainingMetrics> trainingMetrics() {
        return AvroSerde.of(
                TrainingMetrics.class,
                METRICS_BEFORE_PREQUENTIAL_WINDOW,
                METRICS_BEFORE_EVENT,
                METRICS_BEFORE_SPARSITY);
    }

    public static AvroSerde<Prediction> predictions() {
        return AvroSerde.of(Prediction.class, PREDICTION_BEFORE_SEARCH);
    }
}
