package dev.eddy.demo;

import dev.eddy.report.TrainingPoint;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The demo's progress display, updated at each evaluation: on a terminal one bar rewritten in place, otherwise a
 * plain line at most every {@value #LOG_INTERVAL_SECONDS} seconds (and always when training stops).
 */
final class LiveProgress {

    static final int BAR_WIDTH = 24;
    static final long LOG_INTERVAL_SECONDS = 2;

    private final PrintWriter out;
    private final boolean terminal;
    private final long total;
    private final int patience;
    private long lastLine;
    private boolean shown;
    private boolean inPlace;
    private int drifts;

    LiveProgress(PrintWriter out, boolean terminal, long total, int patience) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.patience = patience;
    }

    /** Shows the state after one evaluation or drift event. */
    void show(TrainingPoint p) {
        if (p.event().equals("drift")) {
            drifts++;
        }
        String line = line(p);
        if (terminal) {
            out.print("\r\033[K" + line);
            inPlace = true;
        } else {
            long now = System.nanoTime();
            if (shown && !p.paused() && p.event().isEmpty() && now - lastLine < LOG_INTERVAL_SECONDS * 1_000_000_000L) {
                return;
            }
            shown = true;
            lastLine = now;
            out.println(line);
        }
        out.flush();
    }

    /** Ends the in-place bar so the next output starts on a new line. */
    void finish() {
        if (inPlace) {
            out.println();
            out.flush();
            inPlace = false;
        }
    }

    /**
     * The bar: examples seen by the trainer out of those to stream, throughput, losses, metric, version,
     * early-stopping wait. Early stopping ends a run before the bar is full.
     */
    String line(TrainingPoint p) {
        double fraction = total > 0 ? Math.min(1, (double) p.examples() / total) : 0;
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        StringBuilder b = new StringBuilder();
        if (terminal) {
            b.append('[')
                    .append("#".repeat(filled))
                    .append(".".repeat(BAR_WIDTH - filled))
                    .append("] ");
        }
        b.append(String.format(
                Locale.ROOT,
                "%3.0f%% %,d examples trained  %,.0f/s  loss %.4f",
                100 * fraction,
                p.examples(),
                p.examplesPerSecond(),
                p.trainLoss()));
        if (Double.isFinite(p.holdoutLoss())) {
            b.append(String.format(Locale.ROOT, "  holdout loss %.4f", p.holdoutLoss()));
        }
        if (Double.isFinite(p.holdoutMetric()) && !"loss".equals(p.holdoutMetricName())) {
            b.append(String.format(Locale.ROOT, "  %s %.4f", p.holdoutMetricName(), p.holdoutMetric()));
        }
        b.append("  v").append(p.version() < 0 ? "-" : Long.toString(p.version()));
        b.append("  wait ").append(p.earlyStoppingWait()).append('/').append(patience);
        if (drifts > 0) {
            b.append("  drifts ").append(drifts);
        }
        if (p.event().equals("drift")) {
            b.append("  DRIFT DETECTED");
        } else if (p.paused()) {
            b.append("  STOPPED EARLY");
        }
        return b.toString();
    }
}
