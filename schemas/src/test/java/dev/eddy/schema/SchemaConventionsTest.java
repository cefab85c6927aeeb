package dev.eddy.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Rules that keep the topic schemas evolvable. */
class SchemaConventionsTest {

    private static final List<Schema> TOPIC_SCHEMAS = List.of(
            Example.getClassSchema(),
            ModelSnapshot.getClassSchema(),
            TrainingMetrics.getClassSchema(),
            Prediction.getClassSchema());

    private static List<Schema> records() {
        List<Schema> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        TOPIC_SCHEMAS.forEach(schema -> collect(schema, found, seen));
        return found;
    }

    private static void collect(Schema schema, List<Schema> found, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    found.add(schema);
                    schema.getFields().forEach(field -> collect(field.schema(), found, seen));
                }
            }
            case ARRAY -> collect(schema.getElementType(), found, seen);
            case MAP -> collect(schema.getValueType(), found, seen);
            case UNION -> schema.getTypes().forEach(branch -> collect(branch, found, seen));
            default -> {}
        }
    }

    @Test
    void everyNullableFieldDefaultsToNullSoItCanBeAddedOrRemoved() {
        List<String> nullable = new ArrayList<>();
        for (Schema record : records()) {
            for (Schema.Field field : record.getFields()) {
                if (field.schema().isNullable()) {
                    nullable.add(record.getName() + "." + field.name());
                    assertThat(field.schema().getTypes().get(0).getType())
                            .as("%s.%s: null must be the first union branch", record.getName(), field.name())
                            .isEqualTo(Schema.Type.NULL);
                    assertThat(field.defaultVal())
                            .as("%s.%s default", record.getName(), field.name())
                            .isEqualTo(JsonProperties.NULL_VALUE);
                }
            }
        }
        assertThat(nullable).contains("Example.weight", "ModelSnapshot.standardization", "Prediction.predictedClass");
    }

    @Test
    void allRecordsLiveInOneNamespaceAndAreDocumented() {
        List<Schema> records = records();
        assertThat(records)
                .extracting(Schema::getName)
                .containsExactlyInAnyOrder(
                        "Example",
                        "ModelSnapshot",
                        "Architecture",
                        "LayerSpec",
                        "NamedTensor",
                        "Standardization",
                        "WarmStartLineage",
                        "TrainingMetrics",
                        "TrainingEvent",
                        "Prediction");
        for (Schema record : records) {
            assertThat(record.getNamespace()).as(record.getName()).isEqualTo("dev.eddy.schema");
            assertThat(record.getDoc()).as(record.getName() + " doc").isNotBlank();
        }
    }

    @Test
    void snapshotReasonHasADefaultForReadersThatMeetANewSymbol() {
        assertThat(SnapshotReason.getClassSchema().getEnumDefault()).isEqualTo("PERIODIC");
        assertThat(SnapshotReason.getClassSchema().getEnumSymbols())
                .containsExactly("PERIODIC", "BEST", "EARLY_STOP", "FINAL", "DRIFT", "CHALLENGER", "CHAMPION");
    }
}
