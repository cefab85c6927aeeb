package dev.eddy.evaluate;

import java.util.List;

/**
 * The learners' figures on one stream.
 *
 * @param rows the rows scored (every row of the stream)
 * @param task {@code binary}, {@code multiclass} or {@code regression}
 * @param driftPoints where a generator switched concept (0-based positions), for the plots
 * @param seconds wall time of the whole stream, every learner included
 * @param searches what each search learner did (its served figures are among {@code learners})
 */
public record StreamResult(
        String name,
        long rows,
        String task,
        List<LearnerResult> learners,
        long[] driftPoints,
        double seconds,
        List<SearchResult> searches) {

    /** The result of learners none of which is a search. */
    public StreamResult(
            String name, long rows, String task, List<LearnerResult> learners, long[] driftPoints, double seconds) {
        this(name, rows, task, learners, driftPoints, seconds, List.of());
    }

    public boolean classification() {
        return !task.equals("regression");
    }
}
