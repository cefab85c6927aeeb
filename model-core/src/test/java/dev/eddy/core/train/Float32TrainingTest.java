package dev.eddy.core.train;

import static dev.eddy.core.train.TrainerTest.bits;
import static dev.eddy.core.train.TrainerTest.config;
import static dev.eddy.core.train.TrainerTest.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.kernel.Precision;
import dev.eddy.core.layer.BatchNormalization;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.optim.Adam;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.optim.StateIo;
import dev.eddy.core.train.TrainerTest.Batches;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code precision = float32}: the key, float values everywhere, exact save/restore, the export format. */
class Float32TrainingTest {

    private static void assertFloats(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            assertThat((double) (float) values[i])
                    .as("%s[%d] is a float", what, i)
                    .isEqualTo(values[i]);
        }
    }

    @Test
    void precisionKeyDefaultsToFloat64LeftOutOfTheCanonicalFormAndNamesTheAllowedValues() {
        assertThat(config().precision()).isEqualTo(Precision.FLOAT64);
        assertThat(config().toProperties()).doesNotContainKey("precision");
        assertThat(config("precision", "float64").toProperties()).isEqualTo(config().toProperties());
        assertThat(config("precision", "float32").precision()).isEqualTo(Precision.FLOAT32);
        assertThat(config("precision", "float32").toProperties()).containsEntry("precision", "float32");
        assertThatThrownBy(() -> config("precision", "float16"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("precision must be one of [float64, float32], got 'float16'");
    }

    @Test
    void everyParameterGradientStatisticAndMomentIsAFloat() throws IOException {
        Trainer t = Trainer.create(config("precision", "float32"));
        train(t, new Batches(1, 6, 3), new Batches(2, 6, 3), 15, 5);
        for (Parameter p : t.network().parameters()) {
            assertFloats(p.name(), p.value());
            assertFloats(p.name() + " gradient", p.grad());
        }
        for (Dense layer : t.network().layers()) {
            BatchNormalization bn = layer.batchNormalization();
            if (bn != null) {
                assertFloats("running mean", bn.runningMean());
                assertFloats("running variance", bn.runningVariance());
            }
        }
        for (double[] row : t.predict(new Batches(3, 6, 3).next(5).x)) {
            assertFloats("prediction", row);
        }
        assertThat(bits(t)).as("float32 training differs from float64 training").isNotEqualTo(bits(trained(config())));
    }

    private static Trainer trained(TrainerConfig config) {
        Trainer t = Trainer.create(config);
        train(t, new Batches(1, 6, 3), new Batches(2, 6, 3), 15, 5);
        return t;
    }

    @Test
    void adamKeepsItsMomentsInFloat32() throws IOException {
        List<Parameter> params = List.of(new Parameter("w", new double[] {0.1, -0.2, 0.3}, new double[3]));
        Adam adam = new Adam(0.9, 0.999, 1e-8, true);
        for (int s = 0; s < 4; s++) {
            double[] g = params.get(0).grad();
            g[0] = 0.1 / 3;
            g[1] = -Math.PI * (s + 1);
            g[2] = Math.E / 7;
            adam.step(params, 1e-3 / 3, Precision.FLOAT32);
        }
        assertFloats("theta", params.get(0).value());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        adam.saveState(new DataOutputStream(bytes));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        StateIo.readHeader(in, "adam", 1);
        assertThat(in.readLong()).isEqualTo(4);
        int slots = in.readInt();
        assertThat(in.readInt()).isEqualTo(1);
        in.readUTF();
        in.readInt();
        List<double[]> moments = new ArrayList<>();
        for (int k = 0; k < slots; k++) {
            moments.add(StateIo.readDoubles(in));
        }
        assertThat(moments).hasSize(3);
        for (double[] m : moments) {
            assertFloats("moment", m);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.eddy.core.train.TrainerTest#optimizers")
    void saveRestoreContinueIsBitIdenticalToNeverStopping(String optimizer) {
        TrainerConfig c = config("precision", "float32", "optimizer", optimizer, "clip.global-norm", "5");
        Trainer uninterrupted = Trainer.create(c);
        train(uninterrupted, new Batches(1, 6, 3), new Batches(2, 6, 3), 30, 7);

        Batches data = new Batches(1, 6, 3);
        Batches holdout = new Batches(2, 6, 3);
        Trainer first = Trainer.create(c);
        train(first, data, holdout, 12, 7);
        Trainer resumed = Trainer.restore(c, first.state());
        assertThat(resumed.config().precision()).isEqualTo(Precision.FLOAT32);
        train(resumed, data, holdout, 18, 7);
        assertThat(bits(resumed)).isEqualTo(bits(uninterrupted));
        assertThat(resumed.state()).isEqualTo(uninterrupted.state());
    }

    @Test
    void exportRecordsThePrecisionAndPredictsInIt() {
        Trainer t = trained(config("precision", "float32"));
        InferenceModel model = t.inferenceModel();
        assertThat(model.precision()).isEqualTo(Precision.FLOAT32);
        byte[] bytes = model.toBytes();
        assertThat(ByteBuffer.wrap(bytes).getInt(4)).isEqualTo(InferenceModel.FORMAT_VERSION);
        InferenceModel copy = InferenceModel.fromBytes(bytes);
        assertThat(copy.precision()).isEqualTo(Precision.FLOAT32);
        double[][] x = new Batches(6, 6, 3).next(7).x;
        assertThat(copy.predict(x)).isDeepEqualTo(t.predict(x));
        assertThat(copy.toBytes()).isEqualTo(bytes);
        assertThat(trained(config()).inferenceModel().precision()).isEqualTo(Precision.FLOAT64);

        bytes[7] = 5;
        assertThatThrownBy(() -> InferenceModel.fromBytes(bytes))
                .hasMessage("model format version 5 is not supported; this build reads versions 1 to 4");
    }

    /**
     * A version 1 export, written by the build before precision existed (a 3-5(tanh, batch norm)-2(softmax) model
     * trained 20 steps), still reads as a float64 model and predicts exactly what that build predicted.
     */
    @Test
    void readsAVersion1ExportAsFloat64() throws IOException {
        byte[] v1;
        String expected;
        try (InputStream model = getClass().getResourceAsStream("/export-v1/softmax-batchnorm.eddm");
                InputStream predictions = getClass().getResourceAsStream("/export-v1/softmax-batchnorm.predictions")) {
            v1 = model.readAllBytes();
            expected = new String(predictions.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(Arrays.copyOfRange(v1, 4, 8)).containsExactly(0, 0, 0, 1);
        InferenceModel model = InferenceModel.fromBytes(v1);
        assertThat(model.precision()).isEqualTo(Precision.FLOAT64);
        assertThat(model.layers()).isEqualTo("5:tanh:batchnorm,2:softmax");
        StringBuilder predicted = new StringBuilder();
        for (double[] row : model.predict(new double[][] {{0.5, -1, 2}, {-0.3, 0.2, 0.1}})) {
            for (double v : row) {
                predicted.append(v).append('\n');
            }
        }
        assertThat(predicted.toString()).isEqualTo(expected);
        InferenceModel rewritten = InferenceModel.fromBytes(model.toBytes());
        assertThat(rewritten.precision()).isEqualTo(Precision.FLOAT64);
        assertThat(rewritten.toBytes()).isEqualTo(model.toBytes());
    }
}
