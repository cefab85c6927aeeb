package dev.eddy.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The deterministic holdout split: example id s is held out when
 *
 * <pre>
 * u(s) = (murmur2(utf8(s)) ∧ 0x7fffffff) / 2³¹ &lt; f
 * </pre>
 *
 * with Kafka's 32-bit murmur2 (the hash of its default partitioner) and the configured fraction f. The decision
 * depends on the id alone, so an example is on the same side in every replay, every model and every instance.
 */
public final class HoldoutSplit {

    private static final double TWO_TO_31 = 0x1p31;

    private final double fraction;

    /** @param fraction f in [0, 1) */
    public HoldoutSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("holdout fraction must be in [0, 1), got " + fraction);
        }
        this.fraction = fraction;
    }

    /** u(s) in [0, 1). */
    public static double position(String exampleId) {
        return (Utils.murmur2(exampleId.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) / TWO_TO_31;
    }

    /** Whether the example with this id is held out. */
    public boolean heldOut(String exampleId) {
        return fraction > 0 && position(exampleId) < fraction;
    }
}
