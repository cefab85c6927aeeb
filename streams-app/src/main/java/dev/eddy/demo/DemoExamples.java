package dev.eddy.demo;

import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.schema.Example;
import java.time.Instant;
import java.util.List;
import java.util.stream.DoubleStream;

/** Rows of a {@link DemoStream} as {@link Example} records. */
final class DemoExamples {

    private DemoExamples() {}

    /** The row as an example of {@code model}: class label or regression target by the stream's label kind. */
    static Example example(DemoStream stream, LabeledRow row, String model) {
        List<Double> features = DoubleStream.of(row.features()).boxed().toList();
        boolean classification = stream.labelKind() == LabelKind.CLASS;
        return Example.newBuilder()
                .setId(stream.id(row))
                .setModelId(model)
                .setFeatures(features)
                .setClassLabel(classification ? row.classLabel() : null)
                .setTarget(classification ? null : row.label())
                .setEventTime(Instant.now())
                .setWeight(null)
                .build();
    }
}
