package dev.eddy.core.search;

import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.train.TrainerConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The hyper-parameter space of a search, read from {@code search.space.<trainer key> = …} entries. Each entry
 * is one {@link Dimension}:
 *
 * <ul>
 *   <li>a list separated by {@code |}: {@code 0.001|0.01|0.1}, or for {@code layers}
 *       {@code 64:relu,32:relu|32:relu|}, where an empty entry (only for {@code layers}) means no hidden layer;
 *   <li>{@code loguniform(a,b)}: {@code exp(U(ln a, ln b))}, needs {@code 0 < a < b};
 *   <li>{@code uniform(a,b)}: {@code U(a, b)}, needs {@code a < b};
 *   <li>{@code int(a,b)}: an integer uniform on {@code a..b} inclusive, needs {@code a < b}.
 * </ul>
 *
 * <p>The dimensions are kept in key order, so that sampling draws them in a fixed order and the same seed gives
 * the same trials on every run. The values of a trial are strings of trainer keys, validated as such when the
 * trial's trainer configuration is built.
 */
public final class SearchSpace {

    /** The prefix of the keys that define the space. */
    public static final String PREFIX = "search.space.";

    /** One searched trainer key and the values it may take. */
    public sealed interface Dimension permits Choice, Uniform, LogUniform, IntRange {
        /** The trainer key. */
        String key();

        /** Whether the dimension is a continuous range (no grid over it). */
        boolean continuous();

        /** One value drawn with {@code rng}: exactly one {@link Xoshiro256#nextDouble} per draw. */
        String sample(Xoshiro256 rng);

        /** Every value of a list, the bounds of a range: what a check of the values a draw can take looks at. */
        List<String> extremes();
    }

    /** A list of values, each drawn with probability 1/n. */
    public record Choice(String key, List<String> values) implements Dimension {
        public Choice {
            values = List.copyOf(values);
        }

        @Override
        public boolean continuous() {
            return false;
        }

        @Override
        public String sample(Xoshiro256 rng) {
            return values.get(index(rng.nextDouble(), values.size()));
        }

        @Override
        public List<String> extremes() {
            return values;
        }
    }

    /** {@code U(low, high)}. */
    public record Uniform(String key, double low, double high) implements Dimension {
        @Override
        public boolean continuous() {
            return true;
        }

        @Override
        public String sample(Xoshiro256 rng) {
            double v = low + rng.nextDouble() * (high - low);
            return Double.toString(Math.min(v, high));
        }

        @Override
        public List<String> extremes() {
            return List.of(Double.toString(low), Double.toString(high));
        }
    }

    /** {@code exp(U(ln low, ln high))}: every decade equally likely. */
    public record LogUniform(String key, double low, double high) implements Dimension {
        @Override
        public boolean continuous() {
            return true;
        }

        @Override
        public String sample(Xoshiro256 rng) {
            double lnLow = StrictMath.log(low);
            double v = StrictMath.exp(lnLow + rng.nextDouble() * (StrictMath.log(high) - lnLow));
            return Double.toString(Math.max(low, Math.min(v, high)));
        }

        @Override
        public List<String> extremes() {
            return List.of(Double.toString(low), Double.toString(high));
        }
    }

    /** An integer uniform on {@code low..high}, both included. */
    public record IntRange(String key, long low, long high) implements Dimension {
        @Override
        public boolean continuous() {
            return false;
        }

        /** {@code high − low + 1}. */
        public long size() {
            return high - low + 1;
        }

        @Override
        public String sample(Xoshiro256 rng) {
            double u = rng.nextDouble();
            return Long.toString(low + Math.min((long) (u * size()), size() - 1));
        }

        @Override
        public List<String> extremes() {
            return List.of(Long.toString(low), Long.toString(high));
        }
    }

    /** Trainer keys whose values are names, layer lists, value lists or booleans: a list only, never a range. */
    static final Set<String> LIST_ONLY = Set.of(
            "layers",
            "loss",
            "initializer",
            "optimizer",
            "schedule",
            "schedule.boundaries",
            "schedule.values",
            "schedule.staircase",
            "plateau.enabled",
            "plateau.monitor",
            "plateau.mode",
            "amsgrad",
            "centered",
            "standardize",
            "standardize-target",
            "early-stopping.enabled",
            "early-stopping.monitor",
            "early-stopping.mode",
            "early-stopping.restore-best-weights",
            "frozen-layers",
            "prune.schedule",
            "prune.scope");

    /**
     * The entries of the default space, used when a search names no {@code search.space.*} key: 4 architectures
     * (logistic, one hidden layer of 32, 64-32, 128-128, relu) × plain SGD or Adam × 6 learning rates (0.001 to
     * 0.1) × batch sizes 1, 4, 8, 32 = 192 points. It holds every row of issue 13's measured table (batch 1,
     * plain SGD and shallow networks win on the real streams; the usual Adam 1e-3 at batch 32 is among the worst),
     * and is compared on elec2, the drifting generators and the bundled datasets together in the README.
     */
    public static final Map<String, String> DEFAULT_ENTRIES = Map.of(
            PREFIX + "layers", "|32:relu|64:relu,32:relu|128:relu,128:relu",
            PREFIX + "optimizer", "sgd|adam",
            PREFIX + "learning-rate", "0.001|0.003|0.01|0.03|0.05|0.1",
            PREFIX + "batch-size", "1|4|8|32");

    /**
     * The default space's portfolio, its first trials before any draw (Ray Tune's {@code points_to_evaluate}, the
     * portfolios of auto-sklearn 2.0): the learners of the README's learning-quality table, each the best or near it
     * on some of its streams and none on all — the usual choice (64-32 relu, Adam 1e-3, batch 32), the same at batch
     * size 1, one hidden layer of 32 with plain SGD 0.05 at batch 1, and the logistic model with plain SGD 0.1 at
     * batch 1 — so that a search of the default space always tries what a user would write and what wins on real
     * streams, whatever its seed draws.
     */
    public static final List<SortedMap<String, String>> DEFAULT_PORTFOLIO = List.of(
            point("64:relu,32:relu", "adam", "0.001", "32"),
            point("64:relu,32:relu", "adam", "0.001", "1"),
            point("32:relu", "sgd", "0.05", "1"),
            point("", "sgd", "0.1", "1"));

    /** The default space ({@link #DEFAULT_ENTRIES}) with its {@link #DEFAULT_PORTFOLIO}. */
    public static final SearchSpace DEFAULT = new SearchSpace(parse(DEFAULT_ENTRIES).dimensions, DEFAULT_PORTFOLIO);

    private final List<Dimension> dimensions;
    /** The configurations of the first trials, before any draw; empty but for {@link #DEFAULT}. */
    private final List<SortedMap<String, String>> portfolio;

    private SearchSpace(List<Dimension> dimensions, List<SortedMap<String, String>> portfolio) {
        this.dimensions = List.copyOf(dimensions);
        this.portfolio = portfolio;
    }

    private static SortedMap<String, String> point(
            String layers, String optimizer, String learningRate, String batchSize) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(
                "layers", layers, "optimizer", optimizer, "learning-rate", learningRate, "batch-size", batchSize)));
    }

    /**
     * Reads the {@code search.space.*} entries of {@code props} (the model's {@code search.*} keys; other keys
     * are ignored here).
     *
     * @throws IllegalArgumentException naming the key: a key that is not a trainer key, an empty list or
     *     entry, a duplicate value, an empty or inverted range, a non-positive {@code loguniform} bound, a
     *     bound that is not a number
     */
    public static SearchSpace parse(Map<String, String> props) {
        SortedMap<String, String> entries = new TreeMap<>();
        props.forEach((k, v) -> {
            String key = k.trim();
            if (key.startsWith(PREFIX)) {
                if (v == null) {
                    throw new IllegalArgumentException(key + " has no value");
                }
                entries.put(key, v.trim());
            }
        });
        List<Dimension> dims = new ArrayList<>();
        entries.forEach((fullKey, text) -> dims.add(dimension(fullKey, text)));
        return new SearchSpace(dims, List.of());
    }

    private static Dimension dimension(String fullKey, String text) {
        String key = fullKey.substring(PREFIX.length());
        if (!TrainerConfig.KEYS.contains(key)) {
            throw new IllegalArgumentException(fullKey + ": '" + key + "' is not a trainer key; a space is over one of "
                    + String.join(", ", TrainerConfig.KEYS));
        }
        for (String kind : List.of("loguniform", "uniform", "int")) {
            if (text.startsWith(kind + "(")) {
                if (LIST_ONLY.contains(key)) {
                    throw new IllegalArgumentException(fullKey + ": '" + text + "' is a range, but '" + key
                            + "' is not a number; write its values as a list a|b|c");
                }
                return range(fullKey, key, kind, text);
            }
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(
                    fullKey + " is empty; expected a list a|b|c, loguniform(a,b)," + " uniform(a,b) or int(a,b)");
        }
        List<String> values = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String raw : text.split("\\|", -1)) {
            String value = raw.trim();
            if (value.isEmpty() && !key.equals("layers")) {
                throw new IllegalArgumentException(fullKey + ": empty entry in '" + text
                        + "'; only search.space.layers takes an empty entry (no hidden layer)");
            }
            if (!seen.add(value)) {
                throw new IllegalArgumentException(fullKey + ": value '" + value + "' appears twice in '" + text + "'");
            }
            values.add(value);
        }
        return new Choice(key, values);
    }

    private static Dimension range(String fullKey, String key, String kind, String text) {
        String usage = kind + "(a,b) with " + (kind.equals("loguniform") ? "0 < a < b" : "a < b");
        if (!text.endsWith(")")) {
            throw new IllegalArgumentException(fullKey + ": '" + text + "' is not " + usage);
        }
        String[] bounds = text.substring(kind.length() + 1, text.length() - 1).split(",", -1);
        if (bounds.length != 2) {
            throw new IllegalArgumentException(fullKey + ": '" + text + "' is not " + usage + " (two bounds)");
        }
        if (kind.equals("int")) {
            long a = integer(fullKey, text, bounds[0], usage);
            long b = integer(fullKey, text, bounds[1], usage);
            if (a >= b || b - a + 1 <= 0) {
                throw new IllegalArgumentException(fullKey + ": '" + text + "' is an empty or inverted range; expected "
                        + usage + " (a single value is written as a list: " + a + ")");
            }
            return new IntRange(key, a, b);
        }
        double a = number(fullKey, text, bounds[0], usage);
        double b = number(fullKey, text, bounds[1], usage);
        if (kind.equals("loguniform") && !(a > 0)) {
            throw new IllegalArgumentException(
                    fullKey + ": '" + text + "' has a non-positive bound; expected " + usage);
        }
        if (!(a < b)) {
            throw new IllegalArgumentException(fullKey + ": '" + text + "' is an empty or inverted range; expected "
                    + usage + " (a single value is written as a list: " + bounds[0].trim() + ")");
        }
        return kind.equals("uniform") ? new Uniform(key, a, b) : new LogUniform(key, a, b);
    }

    private static double number(String fullKey, String text, String bound, String usage) {
        try {
            double v = Double.parseDouble(bound.trim());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException(
                fullKey + ": bound '" + bound.trim() + "' of '" + text + "' is not a finite number; expected " + usage);
    }

    private static long integer(String fullKey, String text, String bound, String usage) {
        try {
            return Long.parseLong(bound.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    fullKey + ": bound '" + bound.trim() + "' of '" + text + "' is not an integer; expected " + usage);
        }
    }

    /** The dimensions in key order. */
    public List<Dimension> dimensions() {
        return dimensions;
    }

    /** Whether the space has no dimension (no {@code search.space.*} key). */
    public boolean isEmpty() {
        return dimensions.isEmpty();
    }

    /** The searched trainer keys, sorted. */
    public List<String> keys() {
        return dimensions.stream().map(Dimension::key).toList();
    }

    /**
     * One configuration drawn with {@code rng}: one {@link Xoshiro256#nextDouble} per dimension, in key order, so
     * trial i of a seed is the same on every run.
     */
    public SortedMap<String, String> sample(Xoshiro256 rng) {
        SortedMap<String, String> config = new TreeMap<>();
        for (Dimension d : dimensions) {
            config.put(d.key(), d.sample(rng));
        }
        return Collections.unmodifiableSortedMap(config);
    }

    /**
     * {@code n} configurations: the portfolio's first ones ({@link #DEFAULT_PORTFOLIO}, only in the default space),
     * then draws from one generator seeded with {@code seed}, trial i the (i − portfolio size)-th draw.
     */
    public List<SortedMap<String, String>> sample(long seed, int n) {
        List<SortedMap<String, String>> trials = new ArrayList<>(portfolio.subList(0, Math.min(n, portfolio.size())));
        Xoshiro256 rng = new Xoshiro256(seed);
        while (trials.size() < n) {
            trials.add(sample(rng));
        }
        return List.copyOf(trials);
    }

    /**
     * The number of points of the grid: the product of the list sizes and integer range sizes.
     *
     * @throws IllegalArgumentException if a dimension is a continuous range (named), or the grid has more than
     *     {@link Integer#MAX_VALUE} points
     */
    public int gridSize() {
        long size = 1;
        for (Dimension d : dimensions) {
            if (d.continuous()) {
                throw new IllegalArgumentException(PREFIX + d.key() + " is a continuous range; search.strategy=grid"
                        + " takes lists and int(a,b) only");
            }
            long n = d instanceof Choice c ? c.values().size() : ((IntRange) d).size();
            if (n > Integer.MAX_VALUE / size) {
                throw new IllegalArgumentException(
                        "the grid over " + keys() + " has more than " + Integer.MAX_VALUE + " points");
            }
            size *= n;
        }
        return (int) size;
    }

    /**
     * Every point of the grid, the last key varying fastest (as scikit-learn's {@code ParameterGrid}); point i is
     * the same on every run.
     *
     * @throws IllegalArgumentException as {@link #gridSize}
     */
    public List<SortedMap<String, String>> grid() {
        int size = gridSize();
        List<SortedMap<String, String>> points = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            points.add(gridPoint(i));
        }
        return List.copyOf(points);
    }

    private SortedMap<String, String> gridPoint(int index) {
        SortedMap<String, String> config = new TreeMap<>();
        long rest = index;
        for (int j = dimensions.size() - 1; j >= 0; j--) {
            Dimension d = dimensions.get(j);
            if (d instanceof Choice c) {
                int n = c.values().size();
                config.put(d.key(), c.values().get((int) (rest % n)));
                rest /= n;
            } else {
                IntRange r = (IntRange) d;
                config.put(d.key(), Long.toString(r.low() + rest % r.size()));
                rest /= r.size();
            }
        }
        return Collections.unmodifiableSortedMap(config);
    }

    private static int index(double u, int n) {
        return Math.min((int) (u * n), n - 1);
    }

    @Override
    public String toString() {
        return dimensions.toString();
    }
}
