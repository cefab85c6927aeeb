package dev.eddy.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.monitor.Mode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ReduceLrOnPlateauPropertyTest {
    @Property
    void rateNeverIncreasesAndNeverGoesBelowMinLr(
            @ForAll @Size(min = 1, max = 60) List<@DoubleRange(min = -10, max = 10) Double> values,
            @ForAll boolean max,
            @ForAll @DoubleRange(min = 0, max = 0.99) double factor,
            @ForAll @IntRange(min = 0, max = 5) int patience,
            @ForAll @DoubleRange(min = 0, max = 1) double minDelta,
            @ForAll @IntRange(min = 0, max = 5) int cooldown,
            @ForAll @DoubleRange(min = 0, max = 0.5) double minLr) {
        ReduceLrOnPlateau plateau =
                new ReduceLrOnPlateau(1.0, max ? Mode.MAX : Mode.MIN, factor, patience, minDelta, cooldown, minLr);
        double previous = plateau.learningRate();
        for (double v : values) {
            double lr = plateau.update(v);
            assertThat(lr).isLessThanOrEqualTo(previous).isGreaterThanOrEqualTo(minLr);
            previous = lr;
        }
    }

    @Property
    void saveLoadContinueMatchesAnUninterruptedRun(
            @ForAll @Size(min = 2, max = 40) List<@DoubleRange(min = 0, max = 3) Double> values,
            @ForAll @IntRange(min = 0, max = 39) int split,
            @ForAll @IntRange(min = 0, max = 3) int patience,
            @ForAll @IntRange(min = 0, max = 3) int cooldown)
            throws IOException {
        int cut = Math.min(split, values.size());
        ReduceLrOnPlateau straight = new ReduceLrOnPlateau(1.0, Mode.MIN, 0.5, patience, 0.01, cooldown, 1e-3);
        ReduceLrOnPlateau first = new ReduceLrOnPlateau(1.0, Mode.MIN, 0.5, patience, 0.01, cooldown, 1e-3);
        for (int i = 0; i < cut; i++) {
            first.update(values.get(i));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.saveState(new DataOutputStream(bytes));
        ReduceLrOnPlateau resumed = new ReduceLrOnPlateau(1.0, Mode.MIN, 0.5, patience, 0.01, cooldown, 1e-3);
        resumed.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        for (int i = 0; i < values.size(); i++) {
            double expected = straight.update(values.get(i));
            if (i >= cut) {
                assertThat(resumed.update(values.get(i))).isEqualTo(expected);
                assertThat(resumed.waitCount()).isEqualTo(straight.waitCount());
                assertThat(resumed.cooldownCounter()).isEqualTo(straight.cooldownCounter());
            }
        }
    }
}
