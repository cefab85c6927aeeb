package dev.eddy.core.stopping;

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

class EarlyStoppingPropertyTest {

    /** Feeds values until it has stopped; returns the early stopping for inspection. */
    private static EarlyStopping run(EarlyStopping stopping, double... values) {
        for (int i = 0; i < values.length && !stopping.stopped(); i++) {
            stopping.update(values[i]);
        }
        return stopping;
    }

    @Property
    void saveLoadContinueMatchesAnUninterruptedRun(
            @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 0, max = 2) Double> values,
            @ForAll @IntRange(min = 0, max = 40) int split,
            @ForAll @IntRange(min = 0, max = 4) int patience,
            @ForAll @IntRange(min = 0, max = 3) int startFromEpoch,
            @ForAll boolean max,
            @ForAll boolean withBaseline)
            throws IOException {
        Mode mode = max ? Mode.MAX : Mode.MIN;
        Double baseline = withBaseline ? 1.0 : null;
        EarlyStopping straight = new EarlyStopping(mode, 0.05, patience, baseline, startFromEpoch, true);
        EarlyStopping first = new EarlyStopping(mode, 0.05, patience, baseline, startFromEpoch, true);
        int cut = Math.min(split, values.size());
        for (int i = 0; i < cut && !first.stopped(); i++) {
            first.update(values.get(i));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.saveState(new DataOutputStream(bytes));
        EarlyStopping resumed = new EarlyStopping(mode, 0.05, patience, baseline, startFromEpoch, true);
        resumed.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        run(straight, values.stream().mapToDouble(Double::doubleValue).toArray());
        run(
                resumed,
                values.subList(resumed.evaluations(), values.size()).stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray());
        assertThat(resumed.stopIndex()).isEqualTo(straight.stopIndex());
        assertThat(resumed.bestIndex()).isEqualTo(straight.bestIndex());
        assertThat(resumed.bestValue()).isEqualTo(straight.bestValue());
        assertThat(resumed.waitCount()).isEqualTo(straight.waitCount());
        assertThat(resumed.evaluations()).isEqualTo(straight.evaluations());
    }

    @Property
    void theBestValueIsTheFirstMonitoredValueThatNoLaterOneBeats(
            @ForAll @Size(min = 1, max = 30) List<@DoubleRange(min = 0, max = 2) Double> values,
            @ForAll @IntRange(min = 0, max = 3) int startFromEpoch) {
        EarlyStopping s = new EarlyStopping(Mode.MIN, 0, 1000, null, startFromEpoch, true);
        values.forEach(s::update);
        if (values.size() <= startFromEpoch) {
            assertThat(s.bestIndex()).isEmpty();
            return;
        }
        double min = values.subList(startFromEpoch, values.size()).stream()
                .mapToDouble(Double::doubleValue)
                .min()
                .getAsDouble();
        assertThat(s.bestValue()).hasValue(min);
        assertThat(s.bestIndex())
                .hasValue(values.subList(startFromEpoch, values.size()).indexOf(min) + startFromEpoch);
    }
}
