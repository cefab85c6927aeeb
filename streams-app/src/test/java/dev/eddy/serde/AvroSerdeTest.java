package dev.eddy.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.schema.Architecture;
import dev.eddy.schema.Example;
import dev.eddy.schema.LayerSpec;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.NamedTensor;
import dev.eddy.schema.Prediction;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.Standardization;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.schema.WarmStartLineage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static final Instant TIME = Instant.ofEpochMilli(1_700_000_000_123L);

    static Example example() {
        return Example.newBuilder()
                .setId("elec2:17")
                .setModelId("m1")
                .setFeatures(List.of(0.5, -1.25, 3.0))
                .setClassLabel(1)
                .setEventTime(TIME)
                .setWeight(2.0)
                .build();
    }

    /**
     * Avro reads its length limits once, on its first length check, which may come before AvroSerde is loaded (a
     * record built with a field left at its default decodes the default). Here Avro has read them with nothing set
     * (its defaults: about 2^31 items); bounding them again must put Eddy's limit in effect.
     */
    @Test
    void lengthLimitsAreInEffectEvenWhenAvroReadThemFirst() throws Exception {
        AvroSerde.boundClaimedLengths();
        String property = SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY;
        String before = System.getProperty(property);
        Method reread = SystemLimitException.class.getDeclaredMethod("resetLimits");
        reread.setAccessible(true);
        try {
            System.clearProperty(property);
            reread.invoke(null);
            assertThat(SystemLimitException.checkMaxCollectionLength(1L << 30)).isEqualTo(1 << 30);

            AvroSerde.boundClaimedLengths();

            assertThat(AvroSerde.claimedLengthsBounded()).isTrue();
            assertThatThrownBy(() -> SystemLimitException.checkMaxCollectionLength(1L << 30))
                    .isInstanceOf(SystemLimitException.class);
        } finally {
            System.setProperty(property, before);
            reread.invoke(null);
        }
    }

    private static <T extends SpecificRecord> T roundTrip(AvroSerde<T> serde, T record) {
        byte[] bytes = serde.serializer().serialize("t", record);
        return serde.deserializer().deserialize("t", bytes);
    }

    private static final double[] KERNEL = {0.1, -0.2, 0.3, 0.4, 0.5, -0.6};

    /** A snapshot with every field set, of a cold-started model (no warm-start lineage). */
    private static ModelSnapshot snapshot() {
        ByteBuffer values = ByteBuffer.allocate(KERNEL.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        values.asDoubleBuffer().put(KERNEL);
        return ModelSnapshot.newBuilder()
                .setModelId("m1")
                .setVersion(7)
                .setArchitecture(Architecture.newBuilder()
                        .setInputSize(3)
                        .setLayers(List.of(LayerSpec.newBuilder()
                                .setUnits(2)
                                .setActivation("leaky_relu")
                                .setActivationParams(Map.of("alpha", 0.2))
                                .setParameterCount(8)
                                .build()))
                        .setLoss("categorical_crossentropy")
                        .build())
                .setParameters(List.of(NamedTensor.newBuilder()
                        .setName("dense_0/kernel")
                        .setShape(List.of(3, 2))
                        .setValues(values)
                        .build()))
                .setStandardization(Standardization.newBuilder()
                        .setMean(List.of(1.0, 2.0, 3.0))
                        .setVariance(List.of(0.5, 0.25, 4.0))
                        .setCount(100)
                        .build())
                .setExamplesSeen(1000)
                .setStepsSeen(31)
                .setHoldoutMetrics(Map.of("loss", 0.31, "accuracy", 0.87))
                .setReason(SnapshotReason.EARLY_STOP)
                .setAccepted(false)
                .setRefusalReason("holdout accuracy 0.87 < last accepted 0.90")
                .setTrainingConfig("optimizer=adam\nlearning-rate=0.001\n")
                .setCreatedAt(TIME)
                .build();
    }

    @Test
    void roundTripsEveryRecordType() {
        assertThat(roundTrip(AvroSerdes.examples(), example())).isEqualTo(example());

        Example regression = Example.newBuilder(example())
                .setClassLabel(null)
                .setTarget(151.0)
                .setModelId(null)
                .setWeight(null)
                .build();
        assertThat(roundTrip(AvroSerdes.examples(), regression)).isEqualTo(regression);

        double[] kernel = KERNEL;
        ModelSnapshot snapshot = snapshot();
        ModelSnapshot decoded = roundTrip(AvroSerdes.modelSnapshots(), snapshot);
        assertThat(decoded).isEqualTo(snapshot);
        double[] decodedKernel = new double[kernel.length];
        decoded.getParameters()
                .get(0)
                .getValues()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asDoubleBuffer()
                .get(decodedKernel);
        assertThat(decodedKernel).containsExactly(kernel);

        assertThat(roundTrip(AvroSerdes.trainingMetrics(), metrics())).isEqualTo(metrics());
        assertThat(roundTrip(AvroSerdes.predictions(), prediction())).isEqualTo(prediction());
    }

    /** A metrics record with every field that the first schema has set. */
    private static TrainingMetrics metrics() {
        return TrainingMetrics.newBuilder()
                .setModelId("m1")
                .setStep(31)
                .setSnapshotVersion(7L)
                .setExamplesSeen(1000)
                .setTrainLoss(0.42)
                .setHoldoutLoss(0.5)
                .setHoldoutMetricName("accuracy")
                .setHoldoutMetricValue(0.87)
                .setLearningRate(1e-3)
                .setGradientNorm(1.5)
                .setEarlyStoppingWait(2)
                .setPaused(true)
                .setExamplesPerSecond(12_000.0)
                .setPrequentialMetric(0.85)
                .setTime(TIME)
                .build();
    }

    /** A prediction with every field that the first schema has set. */
    private static Prediction prediction() {
        return Prediction.newBuilder()
                .setId("f1")
                .setModelId("m1")
                .setModelVersion(7)
                .setOutputs(List.of(0.1, 0.9))
                .setPredictedClass(1)
                .setScoreTime(TIME)
                .build();
    }

    /**
     * Every schema kept in {@code earlier/} is one that a build wrote: a record written under it decodes with Eddy's
     * serde of its type (the file's name up to the first '-'), each field the same and the fields added since at their
     * defaults; so does one written under the current schema.
     */
    @Test
    void readsRecordsWrittenUnderEveryKeptSchema() throws Exception {
        Map<String, SpecificRecord> records =
                Map.of("ModelSnapshot", snapshot(), "TrainingMetrics", metrics(), "Prediction", prediction());
        Map<String, AvroSerde<? extends SpecificRecord>> serdes = Map.of(
                "ModelSnapshot", AvroSerdes.modelSnapshots(),
                "TrainingMetrics", AvroSerdes.trainingMetrics(),
                "Prediction", AvroSerdes.predictions());
        List<String> kept = keptSchemas();
        assertThat(kept)
                .contains(
                        "ModelSnapshot-before-drift.avsc",
                        "ModelSnapshot-before-search.avsc",
                        "TrainingMetrics-before-prequential-window.avsc",
                        "TrainingMetrics-before-event.avsc",
                        "Prediction-before-search.avsc");
        for (String name : kept) {
            String type = name.substring(0, name.indexOf('-'));
            assertThat(serdes).as(name).containsKey(type);
            AvroSerde<? extends SpecificRecord> serde = serdes.get(type);
            Schema writer = AvroSerdes.earlier(name);
            assertThat(SchemaNormalization.parsingFingerprint64(writer))
                    .as(name)
                    .isNotEqualTo(serde.fingerprint());

            Object decoded = serde.deserialize("t", writtenUnder(writer, records.get(type)));

            assertThat(decoded).as(name).isEqualTo(records.get(type));
        }
        for (Map.Entry<String, SpecificRecord> current : records.entrySet()) {
            SpecificRecord record = current.getValue();
            assertThat(serdes.get(current.getKey()).deserialize("t", writtenUnder(record.getSchema(), record)))
                    .isEqualTo(record);
        }
    }

    /** The file names in {@code dev/eddy/schema/earlier/}, from the schemas module's classes or its jar. */
    private static List<String> keptSchemas() throws Exception {
        URI dir = ModelSnapshot.class.getResource("earlier/").toURI();
        if (dir.getScheme().equals("jar")) {
            try (FileSystem jar = FileSystems.newFileSystem(dir, Map.of())) {
                return fileNames(jar.provider().getPath(dir));
            }
        }
        return fileNames(Path.of(dir));
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void roundTripsTheWarmStartLineageOfASnapshot() {
        ModelSnapshot fromModel = ModelSnapshot.newBuilder(snapshot())
                .setWarmStart(WarmStartLineage.newBuilder()
                        .setModel("src")
                        .setVersion(12L)
                        .build())
                .build();
        ModelSnapshot fromFile = ModelSnapshot.newBuilder(snapshot())
                .setWarmStart(WarmStartLineage.newBuilder()
                        .setFile("/models/src.eddy")
                        .setSha256("ab".repeat(32))
                        .build())
                .build();
        assertThat(roundTrip(AvroSerdes.modelSnapshots(), fromModel)).isEqualTo(fromModel);
        assertThat(roundTrip(AvroSerdes.modelSnapshots(), fromFile)).isEqualTo(fromFile);
    }

    /** A snapshot written by the previous version (no warmStart field) still reads, with no lineage. */
    @Test
    void readsSnapshotsWrittenBeforeTheWarmStartLineage() throws IOException {
        Schema before;
        try (InputStream in = ModelSnapshot.class.getResourceAsStream("earlier/ModelSnapshot-before-lineage.avsc")) {
            before = new Schema.Parser().parse(in);
        }
        assertThat(before.getField("warmStart")).isNull();
        ModelSnapshot current = snapshot();
        GenericData.Record old = new GenericData.Record(before);
        before.getFields().forEach(f -> old.put(f.name(), current.get(f.name())));
        byte[] bytes = new BinaryMessageEncoder<GenericData.Record>(SpecificData.get(), before)
                .encode(old)
                .array();

        ModelSnapshot decoded = AvroSerdes.modelSnapshots().deserialize("eddy.model-snapshots", bytes);

        assertThat(decoded.getWarmStart()).isNull();
        assertThat(decoded).isEqualTo(current);
    }

    /** Metrics records written before the sparsity field still read, with no sparsity; a pruned one round-trips. */
    @Test
    void readsMetricsWrittenBeforeTheSparsity() throws IOException {
        Schema before;
        try (InputStream in = ModelSnapshot.class.getResourceAsStream("earlier/TrainingMetrics-before-sparsity.avsc")) {
            before = new Schema.Parser().parse(in);
        }
        assertThat(before.getField("sparsity")).isNull();
        TrainingMetrics current = TrainingMetrics.newBuilder()
                .setModelId("m1")
                .setStep(31)
                .setExamplesSeen(1000)
                .setTrainLoss(0.42)
                .setLearningRate(1e-3)
                .setGradientNorm(1.5)
                .setTime(TIME)
                .build();
        GenericData.Record old = new GenericData.Record(before);
        before.getFields().forEach(f -> old.put(f.name(), current.get(f.name())));
        byte[] bytes = new BinaryMessageEncoder<GenericData.Record>(SpecificData.get(), before)
                .encode(old)
                .array();
        TrainingMetrics decoded = AvroSerdes.trainingMetrics().deserialize("eddy.metrics", bytes);
        assertThat(decoded.getSparsity()).isNull();
        assertThat(decoded).isEqualTo(current);

        TrainingMetrics pruned =
                TrainingMetrics.newBuilder(current).setSparsity(0.9).build();
        assertThat(roundTrip(AvroSerdes.trainingMetrics(), pruned)).isEqualTo(pruned);
    }

    /** A snapshot written by the previous version (no NamedTensor.indices) still reads, every tensor dense. */
    @Test
    void readsSnapshotsWrittenBeforeSparseTensors() throws IOException {
        Schema before;
        try (InputStream in = ModelSnapshot.class.getResourceAsStream("earlier/ModelSnapshot-before-sparse.avsc")) {
            before = new Schema.Parser().parse(in);
        }
        Schema tensor = before.getField("parameters").schema().getElementType();
        assertThat(tensor.getField("indices")).isNull();
        ModelSnapshot current = snapshot();
        GenericData.Record old = new GenericData.Record(before);
        before.getFields().forEach(f -> old.put(f.name(), current.get(f.name())));
        List<GenericData.Record> tensors = new java.util.ArrayList<>();
        for (NamedTensor t : current.getParameters()) {
            GenericData.Record r = new GenericData.Record(tensor);
            tensor.getFields().forEach(f -> r.put(f.name(), t.get(f.name())));
            tensors.add(r);
        }
        old.put("parameters", tensors);
        byte[] bytes = new BinaryMessageEncoder<GenericData.Record>(SpecificData.get(), before)
                .encode(old)
                .array();

        ModelSnapshot decoded = AvroSerdes.modelSnapshots().deserialize("eddy.model-snapshots", bytes);

        assertThat(decoded.getParameters()).allMatch(t -> t.getIndices() == null);
        assertThat(decoded).isEqualTo(current);
    }

    @Test
    void writesTheSingleObjectHeaderWithTheSchemaFingerprint() {
        AvroSerde<Example> serde = AvroSerdes.examples();
        byte[] bytes = serde.serialize("t", example());
        assertThat(Arrays.copyOf(bytes, 2)).containsExactly(0xC3, 0x01);
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint)
                .isEqualTo(serde.fingerprint())
                .isEqualTo(SchemaNormalization.parsingFingerprint64(Example.getClassSchema()));
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    private static Schema exampleV1() throws IOException {
        try (InputStream in = AvroSerdeTest.class.getResourceAsStream("Example-v1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void readsExamplesWrittenWithAnEarlierSchema() throws IOException {
        Schema v1 = exampleV1();
        GenericRecord old = new GenericData.Record(v1);
        old.put("id", "old-1");
        old.put("modelId", null);
        old.put("features", List.of(1.0, 2.0));
        old.put("classLabel", null);
        old.put("target", 3.5);
        old.put("eventTime", TIME.toEpochMilli());
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                .encode(old)
                .array();

        Example decoded = AvroSerde.of(Example.class, v1).deserialize("t", bytes);

        assertThat(decoded.getId()).isEqualTo("old-1");
        assertThat(decoded.getFeatures()).containsExactly(1.0, 2.0);
        assertThat(decoded.getTarget()).isEqualTo(3.5);
        assertThat(decoded.getClassLabel()).isNull();
        assertThat(decoded.getEventTime()).isEqualTo(TIME);
        assertThat(decoded.getWeight()).as("added field takes its default").isNull();

        assertThatThrownBy(() -> AvroSerdes.examples().deserialize("eddy.examples", bytes))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("eddy.examples")
                .hasMessageContaining("unknown schema");
    }

    @Test
    void anEarlierReaderReadsExamplesWrittenWithTheCurrentSchema() throws IOException {
        Schema v1 = exampleV1();
        byte[] bytes = AvroSerdes.examples().serialize("t", example());
        SchemaStore.Cache known = new SchemaStore.Cache();
        known.addSchema(Example.getClassSchema());

        GenericRecord decoded = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), v1, known).decode(bytes);

        assertThat(decoded.get("id").toString()).isEqualTo("elec2:17");
        assertThat(decoded.get("classLabel")).isEqualTo(1);
        assertThat(decoded.get("features")).isEqualTo(List.of(0.5, -1.25, 3.0));
        assertThat(decoded.hasField("weight")).isFalse();
    }

    private static ModelSnapshot float32Snapshot() {
        return ModelSnapshot.newBuilder()
                .setModelId("m1")
                .setVersion(3)
                .setArchitecture(new Architecture(2, List.of(new LayerSpec(1, "sigmoid", Map.of(), 3L)), "mse"))
                .setParameters(List.of())
                .setExamplesSeen(64)
                .setStepsSeen(2)
                .setReason(SnapshotReason.PERIODIC)
                .setTrainingConfig("precision=float32\n")
                .setCreatedAt(TIME)
                .setPrecision("float32")
                .build();
    }

    /** The bytes a build before the precision field wrote: the record as the ModelSnapshot schema before precision has it. */
    private static byte[] writtenWithTheSchemaBeforePrecision(ModelSnapshot current) throws IOException {
        Schema v1 = AvroSerdes.earlier("ModelSnapshot-before-precision.avsc");
        assertThat(v1.getField("precision")).isNull();
        return writtenUnder(v1, current);
    }

    /** The bytes a build writing {@code writer} wrote for {@code current}: the record as that schema has it. */
    private static byte[] writtenUnder(Schema writer, SpecificRecord current) throws IOException {
        Schema schema = current.getSchema();
        byte[] datum = new BinaryMessageEncoder<SpecificRecord>(SpecificData.get(), schema)
                .encode(current)
                .array();
        SchemaStore.Cache known = new SchemaStore.Cache();
        known.addSchema(schema);
        GenericRecord old = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), writer, known).decode(datum);
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer)
                .encode(old)
                .array();
    }

    @Test
    void readsSnapshotsWrittenBeforeThePrecisionFieldAsFloat64() throws IOException {
        ModelSnapshot current = float32Snapshot();
        byte[] old = writtenWithTheSchemaBeforePrecision(current);

        ModelSnapshot decoded = AvroSerdes.modelSnapshots().deserialize("eddy.model-snapshots", old);

        assertThat(decoded.getPrecision()).as("added field takes its default").isEqualTo("float64");
        assertThat(ModelSnapshot.newBuilder(decoded).setPrecision("float32").build())
                .isEqualTo(current);
        assertThatThrownBy(() -> AvroSerde.of(ModelSnapshot.class).deserialize("eddy.model-snapshots", old))
                .as("only because the serde knows the schema before precision")
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("unknown schema");
    }

    @Test
    void anEarlierReaderReadsSnapshotsWrittenWithThePrecisionField() throws IOException {
        Schema v1 = AvroSerdes.earlier("ModelSnapshot-before-precision.avsc");
        byte[] bytes = AvroSerdes.modelSnapshots().serialize("t", float32Snapshot());
        SchemaStore.Cache known = new SchemaStore.Cache();
        known.addSchema(ModelSnapshot.getClassSchema());

        GenericRecord decoded = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), v1, known).decode(bytes);

        assertThat(decoded.get("modelId").toString()).isEqualTo("m1");
        assertThat(decoded.get("version")).isEqualTo(3L);
        assertThat(decoded.hasField("precision")).isFalse();
    }

    @Test
    void badBytesRaiseADecodingExceptionThatKafkaTreatsAsPoison() {
        AvroSerde<Example> serde = AvroSerdes.examples();
        byte[] valid = serde.serialize("t", example());

        assertThatThrownBy(() -> serde.deserialize("eddy.examples", "{\"id\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordDecodingException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith(
                        "cannot decode 8 bytes from topic eddy.examples as Example: not an Avro single-object message");
        assertThatThrownBy(() -> serde.deserialize("eddy.examples", Arrays.copyOf(valid, valid.length - 5)))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("corrupt or truncated body");
        assertThatThrownBy(() -> serde.deserialize("eddy.examples", new byte[0]))
                .isInstanceOf(RecordDecodingException.class);
    }
}
