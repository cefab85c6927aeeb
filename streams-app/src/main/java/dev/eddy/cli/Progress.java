package dev.eddy.cli;

import java.io.PrintWriter;

/**
 * A progress count: on a terminal one line rewritten in place a few times a second, otherwise a plain
 * line every few seconds, so logs stay readable.
 */
final class Progress {

    private static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final String what;
    private final long start = System.nanoTime();
    private long lastShown = start;
    private boolean shownInPlace;

    Progress(PrintWriter out, boolean terminal, String what) {
        this.out = out;
        this.terminal = terminal;
        this.what = what;
    }

    /** Shows {@code count} if the interval since the last display has passed. */
    void update(long count) {
        long now = System.nanoTime();
        if (now - lastShown < (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastShown = now;
        String line = count + " " + what + " (" + Math.round(count / seconds(now)) + "/s)";
        if (terminal) {
            out.print("\r" + line);
            shownInPlace = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the in-place line, if any, so that the next output starts on a new line. */
    void finish() {
        if (shownInPlace) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    /** Seconds since this progress started. */
    double elapsedSeconds() {
        return seconds(System.nanoTime());
    }

    private double seconds(long now) {
        return Math.max(1e-9, (now - start) / 1e9);
    }
}
