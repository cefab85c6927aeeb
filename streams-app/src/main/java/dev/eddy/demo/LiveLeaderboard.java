package dev.eddy.demo;

import dev.eddy.topology.SearchTraining;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The demo's live view of a search: a progress line and the best {@value #ROWS} trials of the leaderboard (trial,
 * state, rung, search metric, examples trained, searched hyper-parameters), the champion marked {@code *}. On a
 * terminal the block is rewritten in place; otherwise it is printed at most every
 * {@value LiveProgress#LOG_INTERVAL_SECONDS} seconds, and always by {@link #finish}.
 */
final class LiveLeaderboard {

    static final int ROWS = 8;

    private final PrintWriter out;
    private final boolean terminal;
    private final String modelId;
    private final long total;
    private long lastBlock;
    private int linesShown;
    private List<String> last = List.of();

    LiveLeaderboard(PrintWriter out, boolean terminal, String modelId, long total) {
        this.out = out;
        this.terminal = terminal;
        this.modelId = modelId;
        this.total = total;
    }

    /** Shows the leaderboard after {@code examples} examples of the stream at {@code rate} examples/s. */
    void show(List<SearchTraining.Standing> board, long examples, double rate) {
        last = block(board, examples, rate);
        long now = System.nanoTime();
        if (!terminal && linesShown > 0 && now - lastBlock < LiveProgress.LOG_INTERVAL_SECONDS * 1_000_000_000L) {
            return;
        }
        lastBlock = now;
        print(last);
    }

    /** Prints the last leaderboard shown, if the periodic printing skipped it. */
    void finish() {
        if (!terminal && !last.isEmpty()) {
            print(last);
        }
        last = List.of();
    }

    private void print(List<String> lines) {
        if (terminal && linesShown > 0) {
            // Back to the block's first line (ESC [ n F), then each line cleared (ESC [ K) and rewritten.
            out.print("\033[" + linesShown + "F");
        }
        for (String line : lines) {
            out.println(terminal ? "\033[K" + line : line);
        }
        linesShown = lines.size();
        out.flush();
    }

    /** The block: a progress line, a header and the best {@value #ROWS} trials. */
    List<String> block(List<SearchTraining.Standing> board, long examples, double rate) {
        List<String> lines = new ArrayList<>();
        double fraction = total > 0 ? Math.min(1, (double) examples / total) : 0;
        long live = board.stream().filter(s -> !s.status().equals("paused")).count();
        String champion = board.stream()
                .filter(SearchTraining.Standing::champion)
                .map(s -> SearchTraining.trialId(modelId, s.trial()))
                .findFirst()
                .orElse("-");
        lines.add(String.format(
                Locale.ROOT,
                "%3.0f%% %,d examples  %,.0f/s  %d trials, %d live  champion %s",
                100 * fraction,
                examples,
                rate,
                board.size(),
                live,
                champion));
        lines.add(String.format(
                Locale.ROOT,
                "  %-12s %-9s %4s %8s %10s  %s",
                "trial",
                "state",
                "rung",
                "metric",
                "examples",
                "hyper-parameters"));
        for (SearchTraining.Standing s : board.subList(0, Math.min(ROWS, board.size()))) {
            lines.add(String.format(
                    Locale.ROOT,
                    "%s %-12s %-9s %4s %8s %,10d  %s",
                    s.champion() ? "*" : " ",
                    SearchTraining.trialId(modelId, s.trial()),
                    s.status(),
                    s.rung() < 0 ? "-" : Integer.toString(s.rung()),
                    Double.isFinite(s.metric()) ? String.format(Locale.ROOT, "%.4f", s.metric()) : "-",
                    s.trained(),
                    summary(s.config())));
        }
        return lines;
    }

    /** A trial's searched keys in a line: {@code layers=32:relu optimizer=sgd lr=0.05 batch=1}. */
    static String summary(Map<String, String> config) {
        return config.entrySet().stream()
                .map(e -> switch (e.getKey()) {
                    case "learning-rate" -> "lr=" + e.getValue();
                    case "batch-size" -> "batch=" + e.getValue();
                    case "layers" -> "layers=" + (e.getValue().isEmpty() ? "none" : e.getValue());
                    default -> e.getKey() + "=" + e.getValue();
                })
                .collect(Collectors.joining(" "));
    }
}
