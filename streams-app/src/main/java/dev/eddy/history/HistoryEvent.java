package dev.eddy.history;

/**
 * Something that happened to a model at a point of its stream, as its training-metrics record's {@code event} says
 * (a drift detection, a challenger swap; search and ensemble decisions as they land).
 *
 * @param seq the record's number in its model's history
 * @param examples examples trained on when it happened
 */
public record HistoryEvent(long seq, long examples, long step, String kind, String detail, long timeMs) {}
