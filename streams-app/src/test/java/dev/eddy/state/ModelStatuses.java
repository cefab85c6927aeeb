package dev.eddy.state;

import dev.eddy.core.ensemble.MemberState;
import java.util.List;

/** Model statuses for tests. */
public final class ModelStatuses {

    private ModelStatuses() {}

    /** A status with every counter set (model "m", 40 steps, 1280 examples, …). */
    public static ModelStatus example(DriftStatus drift, WarmStartSource warmStart) {
        return example(drift, warmStart, List.of());
    }

    /** The same with an ensemble's members. */
    public static ModelStatus example(DriftStatus drift, WarmStartSource warmStart, List<MemberState> members) {
        return new ModelStatus(
                "m",
                3,
                40,
                1280,
                7,
                150,
                100,
                false,
                0.5,
                0.6,
                "accuracy",
                0.8,
                0.55,
                0.82,
                2,
                0.001,
                1.5,
                3,
                1400,
                1100,
                1,
                4000,
                drift,
                warmStart,
                members,
                null);
    }
}
