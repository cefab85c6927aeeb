package dev.eddy.benchmarks.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.evaluate.LearnerResult;
import org.junit.jupiter.api.Test;

class DriftBenchmarkTest {

    private static LearnerResult windows(double[] position, double[] window) {
        return new LearnerResult("l", 0, 0, 0, 0, 0, 0, position, window, new long[0]);
    }

    @Test
    void recoveryCountsRowsUntilTheWindowIsBackWithinTheMarginOrTheWholeSegment() {
        double[] position = {100, 200, 300, 400, 500, 600};
        // 0.90 just before the drift at 200, then 0.70, 0.85, 0.885 (within 0.02 of 0.90), ...
        LearnerResult back = windows(position, new double[] {0.8, 0.9, 0.7, 0.85, 0.885, 0.9});
        assertThat(DriftBenchmark.recoveryRows(back, 200, 600)).isEqualTo(300);
        LearnerResult never = windows(position, new double[] {0.8, 0.9, 0.7, 0.7, 0.7, 0.7});
        assertThat(DriftBenchmark.recoveryRows(never, 200, 600)).isEqualTo(400);
    }
}
