package dev.eddy.core.layer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.activation.Activations;
import dev.eddy.core.kernel.Precision;
import org.junit.jupiter.api.Test;

class DenseTest {

    /** 65,536 × 32,768 = 2^31 weights: the int product overflows, so the layer must refuse before allocating. */
    @Test
    void aKernelLargerThanAnArrayIsRefusedNamingInputsAndUnits() {
        assertThatThrownBy(() -> new Dense(
                        "dense0", 1 << 16, 1 << 15, Activations.create("linear"), false, 0, Precision.FLOAT64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dense0: a kernel of inputs=65536 × units=32768 = 2147483648 weights is more than a Java"
                        + " array holds (2147483639)");
    }
}
