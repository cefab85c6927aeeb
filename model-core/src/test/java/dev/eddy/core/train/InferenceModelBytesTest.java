package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bytes that are not a whole, intact model: every way they fail is the documented "corrupt model" error. */
class InferenceModelBytesTest {

    /** A trained model with input standardization and batch normalization, in {@code precision}. */
    private static byte[] export(String precision) {
        Trainer t = Trainer.create(TrainerTest.config(
                "input-size", "3", "layers", "4:relu:batchnorm,2:softmax", "batch-size", "4", "precision", precision));
        t.step(new double[][] {{1, 2, 3}, {0.5, -1, 2}, {-1, 0, 1}, {2, 2, 2}}, new double[] {0, 1, 0, 1});
        return t.inferenceModel().toBytes();
    }

    /** A flipped bit may leave a model (a weight's value changed), or corrupt it; it never escapes as anything else. */
    @ParameterizedTest
    @ValueSource(strings = {"float64", "float32"})
    void everyTruncationAndEverySingleBitFlipDecodesOrIsRefusedAsCorrupt(String precision) {
        byte[] good = export(precision);
        InferenceModel.fromBytes(good);
        for (int n = 0; n < good.length; n++) {
            decodesOrIsRefused(Arrays.copyOf(good, n), "truncated to " + n + " bytes");
        }
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = good.clone();
                flipped[i] ^= (byte) (1 << bit);
                decodesOrIsRefused(flipped, "bit " + bit + " of byte " + i + " flipped");
            }
        }
    }

    /** The input size is the int after magic and version. */
    @Test
    void anInputSizeThatCannotBeTheStoredWeightsIsRefusedBeforeAllocating() {
        byte[] bytes = export("float64");
        for (int inputSize : new int[] {0, -2_147_483_624, 1 << 26, 1 << 30}) {
            ByteBuffer.wrap(bytes).putInt(8, inputSize);
            assertThatThrownBy(() -> InferenceModel.fromBytes(bytes))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("corrupt model: ");
        }
    }

    private static void decodesOrIsRefused(byte[] bytes, String what) {
        try {
            InferenceModel.fromBytes(bytes);
        } catch (IllegalArgumentException refused) {
            // the documented error
        } catch (RuntimeException | Error e) {
            fail(what + ": expected a model or an IllegalArgumentException, got " + e, e);
        }
    }
}
