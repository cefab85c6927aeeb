package dev.eddy.serde;

import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.Prediction;
import dev.eddy.schema.TrainingMetrics;

/**
 * Serdes of Eddy's topic records. When an {@code .avsc} changes, keep the previous version readable
 * by passing its schema to {@link AvroSerde#of} here (every schema so far is at its first version).
 */
public final class AvroSerdes {

    private AvroSerdes() {}

    public static AvroSerde<Example> examples() {
        return AvroSerde.of(Example.class);
    }

    public static AvroSerde<ModelSnapshot> modelSnapshots() {
        return AvroSerde.of(ModelSnapshot.class);
    }

    public static AvroSerde<TrainingMetrics> trainingMetrics() {
        return AvroSerde.of(TrainingMetrics.class);
    }

    public static AvroSerde<Prediction> predictions() {
        return AvroSerde.of(Prediction.class);
    }
}
