package dev.eddy.core.stopping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrainingBudgetTest {

    /** A clock the test moves by hand. */
    private final AtomicLong nanos = new AtomicLong(1_000);

    @Test
    void stepBudgetIsExhaustedAtMaxSteps() {
        TrainingBudget budget = TrainingBudget.steps(10);
        assertThat(budget.exhausted(9)).isFalse();
        assertThat(budget.exhausted(10)).isTrue();
    }

    @Test
    void wallTimeIsMeasuredOnTheInjectedClockFromCreation() {
        TrainingBudget budget = TrainingBudget.wallTime(Duration.ofSeconds(2), nanos::get);
        nanos.addAndGet(1_999_999_999L);
        assertThat(budget.exhausted(Long.MAX_VALUE - 1)).isFalse();
        assertThat(budget.elapsed()).isEqualTo(Duration.ofNanos(1_999_999_999L));
        nanos.incrementAndGet();
        assertThat(budget.exhausted(0)).isTrue();
    }

    @Test
    void combinedBudgetEndsAtWhicheverComesFirst() {
        TrainingBudget budget = TrainingBudget.stepsOrWallTime(100, Duration.ofMillis(5), nanos::get);
        assertThat(budget.exhausted(100)).isTrue();
        assertThat(budget.exhausted(1)).isFalse();
        nanos.addAndGet(5_000_000);
        assertThat(budget.exhausted(1)).isTrue();
    }

    @Test
    void unlimitedNeverEnds() {
        assertThat(TrainingBudget.unlimited().exhausted(Long.MAX_VALUE - 1)).isFalse();
        assertThat(TrainingBudget.wallTime(Duration.ofDays(365_000_000L), nanos::get)
                        .exhausted(0))
                .isFalse();
    }

    @Test
    void rejectsEmptyBudgets() {
        assertThatThrownBy(() -> TrainingBudget.steps(0)).hasMessage("maxSteps must be >= 1, got 0");
        assertThatThrownBy(() -> TrainingBudget.wallTime(Duration.ZERO, nanos::get))
                .hasMessage("maxWallTime must be a positive duration, got PT0S");
    }
}
