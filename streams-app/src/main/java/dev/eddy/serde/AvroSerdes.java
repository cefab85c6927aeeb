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
 * by passing its schema to {@link AvroSerde#of} here: {@code ModelSnapshot} is at its second version (the
 * {@code precision} field), the first is the resource {@code ModelSnapshot-v1.avsc} beside this class; every other
 * schema is at its first version.
 */
public final class AvroSerdes {

    private AvroSerdes() {}

    public static AvroSerde<Example> examples() {
        return AvroSerde.of(Example.class);
    }

    public static AvroSerde<ModelSnapshot> modelSnapshots() {
        return AvroSerde.of(ModelSnapshot.class, earlierSchema("ModelSnapshot-v1.avsc"));
    }

    /** A previous version of a schema, kept as a resource beside this class so its records stay readable. */
    static Schema earlierSchema(String resource) {
        try (InputStream in = AvroSerdes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + resource + " is missing from the build");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + resource, e);
        }
    }

    public static AvroSerde<TrainingMetrics> trainingMetrics() {
        return AvroSerde.of(TrainingMetrics.class);
    }

    public static AvroSerde<Prediction> predictions() {
        return AvroSerde.of(Prediction.class);
    }
}
