package dev.eddy.evaluate;

import dev.eddy.topology.SearchTraining;
import java.util.List;

/**
 * What a search learner did on one stream, beside its served figures (a {@link LearnerResult} of the same name).
 *
 * @param learner the learner's name
 * @param strategy {@code search.strategy}
 * @param leaderboard every trial, best search metric first, at the end of the stream
 * @param events every decision (prune, promote, complete, champion switch) at its stream position
 * @param trialExamples training examples trained summed over trials
 * @param trialExamplesPerSecond {@code trialExamples} over the search's wall time
 * @param position the stream positions (rows read) of the plot's points
 * @param trialMetrics per trial, its search metric at those positions (NaN while paused)
 */
public record SearchResult(
        String learner,
        String strategy,
        List<SearchTraining.Standing> leaderboard,
        List<SearchTraining.Event> events,
        long trialExamples,
        double trialExamplesPerSecond,
        double[] position,
        double[][] trialMetrics) {}
