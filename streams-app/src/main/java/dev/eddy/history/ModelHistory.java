package dev.eddy.history;

import dev.eddy.schema.TrainingMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent history of one model: its last {@code capacity} training-metrics records without an event as
 * {@link HistoryPoint}s, and its last {@code capacity} records with an event as {@link HistoryEvent}s, oldest first.
 * Every record added gets the next sequence number, so a reader that saw up to {@code seq} asks only for what came
 * after ({@link #after}).
 *
 * <p>One writer (the {@link HistoryFeed}'s thread) and any number of readers (HTTP threads): every method holds the
 * object's lock, and readers get copies.
 */
public final class ModelHistory {

    /** What a reader gets: the points and events after a sequence number, and the newest sequence number. */
    public record Slice(List<HistoryPoint> points, List<HistoryEvent> events, long seq, String holdoutMetricName) {}

    private final int capacity;
    private final ArrayDeque<HistoryPoint> points;
    private final ArrayDeque<HistoryEvent> events = new ArrayDeque<>();
    private long seq;
    private String holdoutMetricName;

    ModelHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.points = new ArrayDeque<>(capacity);
    }

    synchronized void add(TrainingMetrics m) {
        seq++;
        if (m.getEvent() != null) {
            // An event's record repeats the counters and has no holdout scores: an event, not a point of the curves.
            if (events.size() == capacity) {
                events.removeFirst();
            }
            events.addLast(new HistoryEvent(
                    seq,
                    m.getExamplesSeen(),
                    m.getStep(),
                    m.getEvent().getKind(),
                    m.getEvent().getDetail(),
                    m.getTime().toEpochMilli()));
            return;
        }
        if (points.size() == capacity) {
            points.removeFirst();
        }
        points.addLast(HistoryPoint.of(seq, m));
        if (m.getHoldoutMetricName() != null) {
            holdoutMetricName = m.getHoldoutMetricName();
        }
    }

    /** The points and events numbered above {@code seq} (all of them for 0). */
    public synchronized Slice after(long seq) {
        List<HistoryPoint> p = new ArrayList<>();
        for (HistoryPoint point : points) {
            if (point.seq() > seq) {
                p.add(point);
            }
        }
        List<HistoryEvent> e = new ArrayList<>();
        for (HistoryEvent event : events) {
            if (event.seq() > seq) {
                e.add(event);
            }
        }
        return new Slice(p, e, this.seq, holdoutMetricName);
    }

    /** The newest point, or null before the first. */
    public synchronized HistoryPoint latest() {
        return points.peekLast();
    }

    /** The holdout metric the newest evaluation named (e.g. accuracy), or null before one. */
    public synchronized String holdoutMetricName() {
        return holdoutMetricName;
    }
}
