package dev.eddy.core.search;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The search section of a model's configuration: the strategy, the common keys, the chosen strategy's own keys
 * ({@link StrategyConfig}) and the space, nothing else. Self-contained, so that the trainer configuration
 * composes it.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>{@code search.strategy}</td><td>(required)</td><td>{@link #STRATEGIES}</td></tr>
 *   <tr><td>{@code search.trials}</td><td>16; grid: the grid's size</td><td>{@code >= 1}; grid: exactly its size</td></tr>
 *   <tr><td>{@code search.seed}</td><td>42</td><td>any 64-bit integer</td></tr>
 *   <tr><td>{@code search.metric}</td><td>{@code prequential}</td><td>{@code prequential},
 *       {@code holdout_loss}, {@code holdout_<metric>} of {@link #HOLDOUT_METRICS}</td></tr>
 *   <tr><td>{@code search.switch-margin}</td><td>0.005</td><td>finite, {@code >= 0}</td></tr>
 *   <tr><td>{@code search.ensemble-top}</td><td>1</td><td>{@code 1..search.trials}</td></tr>
 *   <tr><td>{@code search.placement}</td><td>{@code spread}</td><td>{@link #PLACEMENTS}</td></tr>
 *   <tr><td>{@code search.space.<trainer key>}</td><td>{@link SearchSpace#DEFAULT} when none</td><td>see
 *       {@link SearchSpace}</td></tr>
 * </table>
 *
 * <p>Only the chosen strategy's keys are allowed: {@link AshaConfig} for {@code asha} and {@code hyperband},
 * {@link PbtConfig} for {@code pbt}, {@link ZoomConfig} for {@code zoom}, none for {@code grid} and
 * {@code random}.
 *
 * @param strategy {@code search.strategy}
 * @param trials {@code search.trials}
 * @param seed {@code search.seed}: the seed of the trials' sampling and of the strategy's own draws
 * @param metric {@code search.metric}
 * @param switchMargin {@code search.switch-margin}: how much better than the champion a trial must be to replace
 *     it, and how much worse than a rung's top an asha or hyperband trial must be to be pruned ({@link Asha})
 * @param ensembleTop {@code search.ensemble-top}: how many live trials vote on what is served, the champion first
 *     and then the best others (1: the champion alone)
 * @param placement {@code search.placement}: {@code spread} (the trials over the partitions of partitioned input)
 *     or {@code task} (every trial in the task of the model id)
 * @param space the {@code search.space.*} keys, not empty ({@link #parse} takes {@link SearchSpace#DEFAULT} when
 *     there is none)
 * @param settings the strategy's own settings, empty for {@code grid} and {@code random}
 */
public record SearchConfig(
        String strategy,
        int trials,
        long seed,
        String metric,
        double switchMargin,
        int ensembleTop,
        String placement,
        SearchSpace space,
        Optional<StrategyConfig> settings) {

    /** Names accepted by {@code search.strategy}. */
    public static final List<String> STRATEGIES = List.of("grid", "random", "zoom", "asha", "hyperband", "pbt");

    /** Names accepted by {@code search.placement}. */
    public static final List<String> PLACEMENTS = List.of("spread", "task");

    /** The holdout metrics {@code search.metric = holdout_<metric>} may name (besides {@code holdout_loss}). */
    public static final List<String> HOLDOUT_METRICS =
            List.of("accuracy", "precision", "recall", "f1", "auc", "mae", "rmse");

    /** The keys every strategy takes (besides {@code search.space.*}), sorted. */
    public static final List<String> COMMON_KEYS = List.of(
            "search.ensemble-top",
            "search.metric",
            "search.placement",
            "search.seed",
            "search.strategy",
            "search.switch-margin",
            "search.trials");

    /** Default of {@code search.trials} (except for grid). */
    public static final int DEFAULT_TRIALS = 16;

    /** Default of {@code search.seed}. */
    public static final long DEFAULT_SEED = 42;

    /** Default of {@code search.switch-margin}. */
    public static final double DEFAULT_SWITCH_MARGIN = 0.005;

    public SearchConfig {
        if (!STRATEGIES.contains(strategy)) {
            throw new IllegalArgumentException(
                    "search.strategy must be one of " + STRATEGIES + ", got '" + strategy + "'");
        }
        if (trials < 1) {
            throw new IllegalArgumentException("search.trials must be an integer >= 1, got " + trials);
        }
        if (!validMetric(metric)) {
            throw new IllegalArgumentException(
                    "search.metric must be prequential, holdout_loss or holdout_<metric> with" + " <metric> one of "
                            + HOLDOUT_METRICS + ", got '" + metric + "'");
        }
        if (!(switchMargin >= 0 && Double.isFinite(switchMargin))) {
            throw new IllegalArgumentException(
                    "search.switch-margin must be a finite number >= 0, got " + switchMargin);
        }
        if (ensembleTop < 1 || ensembleTop > trials) {
            throw new IllegalArgumentException(
                    "search.ensemble-top must be an integer in [1, search.trials=" + trials + "], got " + ensembleTop);
        }
        if (!PLACEMENTS.contains(placement)) {
            throw new IllegalArgumentException(
                    "search.placement must be one of " + PLACEMENTS + ", got '" + placement + "'");
        }
        if (space.isEmpty()) {
            throw new IllegalArgumentException(
                    "search.strategy=" + strategy + " needs a space: at least one search.space.<trainer key> key");
        }
        String expected =
                switch (strategy) {
                    case "asha", "hyperband" -> "AshaConfig";
                    case "pbt" -> "PbtConfig";
                    case "zoom" -> "ZoomConfig";
                    default -> "none";
                };
        String found = settings.map(s -> s.getClass().getSimpleName()).orElse("none");
        if (!expected.equals(found)) {
            throw new IllegalArgumentException(
                    "search.strategy=" + strategy + " takes settings " + expected + ", got " + found);
        }
        if (strategy.equals("pbt") && trials < 2) {
            throw new IllegalArgumentException("search.trials=" + trials
                    + " with search.strategy=pbt: population-based training needs at least 2 trials (a top and a"
                    + " bottom quantile)");
        }
        if (strategy.equals("grid")) {
            int size = space.gridSize();
            if (trials != size) {
                throw new IllegalArgumentException(
                        "search.trials=" + trials + " with search.strategy=grid: the grid over " + space.keys()
                                + " has " + size + " points; leave search.trials unset or set it to " + size);
            }
        }
    }

    private static boolean validMetric(String metric) {
        return metric.equals("prequential")
                || metric.equals("holdout_loss")
                || metric.startsWith("holdout_") && HOLDOUT_METRICS.contains(metric.substring("holdout_".length()));
    }

    /**
     * Reads the {@code search.*} keys of one model. Empty when {@code props} has no {@code search.*} key (no
     * search); otherwise {@code search.strategy} is required.
     *
     * @throws IllegalArgumentException naming the key, the value and what is allowed: an unknown key or strategy,
     *     a key of another strategy, a value out of its range, a bad space ({@link SearchSpace#parse}), a grid
     *     over a continuous range or of another size than {@code search.trials}
     */
    public static Optional<SearchConfig> parse(Map<String, String> props) {
        Map<String, String> rest = new HashMap<>();
        props.forEach((k, v) -> {
            if (v == null) {
                throw new IllegalArgumentException(k + " has no value");
            }
            if (k.trim().startsWith("search.")) {
                rest.put(k.trim(), v.trim());
            }
        });
        if (rest.isEmpty()) {
            return Optional.empty();
        }
        SearchSpace parsed = SearchSpace.parse(rest);
        SearchSpace space = parsed.isEmpty() ? SearchSpace.DEFAULT : parsed;
        rest.keySet().removeIf(k -> k.startsWith(SearchSpace.PREFIX));
        String strategy = rest.remove("search.strategy");
        if (strategy == null) {
            throw new IllegalArgumentException("search.strategy is required with search.* keys; one of " + STRATEGIES);
        }
        if (!STRATEGIES.contains(strategy)) {
            throw new IllegalArgumentException(
                    "search.strategy must be one of " + STRATEGIES + ", got '" + strategy + "'");
        }
        String trialsText = rest.remove("search.trials");
        long seed = SearchKeys.anyLong(rest, "search.seed", DEFAULT_SEED);
        rest.remove("search.seed");
        String metric = Optional.ofNullable(rest.remove("search.metric")).orElse("prequential");
        double margin = SearchKeys.real(
                rest, "search.switch-margin", DEFAULT_SWITCH_MARGIN, 0, Double.MAX_VALUE, "finite, >= 0");
        rest.remove("search.switch-margin");
        long top = SearchKeys.atLeast(rest, "search.ensemble-top", 1, 1);
        rest.remove("search.ensemble-top");
        String placement = Optional.ofNullable(rest.remove("search.placement")).orElse("spread");
        for (String key : new TreeSet<>(rest.keySet())) {
            if (!allKeys().contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'; search keys: "
                        + String.join(", ", allKeys()) + " and search.space.<trainer key>");
            }
        }
        StrategyConfig settings =
                switch (strategy) {
                    case "asha", "hyperband" -> onlyThen(rest, AshaConfig.KEYS, strategy, AshaConfig::fromProperties);
                    case "pbt" -> onlyThen(rest, PbtConfig.KEYS, strategy, PbtConfig::fromProperties);
                    case "zoom" -> onlyThen(rest, ZoomConfig.KEYS, strategy, ZoomConfig::fromProperties);
                    default -> {
                        SearchKeys.onlyThese(rest, List.of(), strategy);
                        yield null;
                    }
                };
        int trials;
        if (trialsText != null) {
            trials = trials(trialsText);
        } else {
            trials = strategy.equals("grid") ? space.gridSize() : DEFAULT_TRIALS;
        }
        return Optional.of(new SearchConfig(
                strategy,
                trials,
                seed,
                metric,
                margin,
                (int) Math.min(top, Integer.MAX_VALUE),
                placement,
                space,
                Optional.ofNullable(settings)));
    }

    private static StrategyConfig onlyThen(
            Map<String, String> rest,
            List<String> keys,
            String strategy,
            Function<Map<String, String>, StrategyConfig> read) {
        SearchKeys.onlyThese(rest, keys, strategy);
        return read.apply(rest);
    }

    private static int trials(String text) {
        long n = SearchKeys.atLeast(Map.of("search.trials", text), "search.trials", DEFAULT_TRIALS, 1);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "search.trials must be an integer in [1, " + Integer.MAX_VALUE + "], got '" + text + "'");
        }
        return (int) n;
    }

    /** Every fixed key of this section (the strategies' keys included), sorted; plus {@code search.space.*}. */
    public static List<String> allKeys() {
        TreeSet<String> keys = new TreeSet<>(COMMON_KEYS);
        keys.addAll(AshaConfig.KEYS);
        keys.addAll(PbtConfig.KEYS);
        keys.addAll(ZoomConfig.KEYS);
        return List.copyOf(keys);
    }

    /**
     * Whether a larger metric is better: {@code prequential} is accuracy for classification and the loss for
     * regression; {@code holdout_loss}, {@code holdout_mae} and {@code holdout_rmse} are smaller-is-better.
     */
    public boolean maximize(boolean regression) {
        return switch (metric) {
            case "prequential" -> !regression;
            case "holdout_loss", "holdout_mae", "holdout_rmse" -> false;
            default -> true;
        };
    }

    /**
     * Refuses a {@code search.metric} that a model of this task does not compute, naming the key.
     *
     * @throws IllegalArgumentException for a classification metric on a regression model or the reverse
     */
    public void checkMetricFor(boolean regression) {
        List<String> allowed = regression
                ? List.of("prequential", "holdout_loss", "holdout_mae", "holdout_rmse")
                : List.of(
                        "prequential",
                        "holdout_loss",
                        "holdout_accuracy",
                        "holdout_precision",
                        "holdout_recall",
                        "holdout_f1",
                        "holdout_auc");
        if (!allowed.contains(metric)) {
            throw new IllegalArgumentException("search.metric=" + metric + " is not computed for a "
                    + (regression ? "regression" : "classification") + " model; one of " + allowed);
        }
    }

    /** Whether the trials train in different tasks when the input has several partitions. */
    public boolean spreads() {
        return placement.equals("spread");
    }

    /** The trial configurations: the grid's points in order, or {@code trials} draws from {@code seed}. */
    public List<SortedMap<String, String>> initialTrials() {
        return strategy.equals("grid") ? space.grid() : space.sample(seed, trials);
    }

    /** The canonical keys: the common keys, the strategy's keys (defaults included), sorted; not the space. */
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("search.strategy", strategy);
        p.put("search.trials", Integer.toString(trials));
        p.put("search.seed", Long.toString(seed));
        p.put("search.metric", metric);
        p.put("search.switch-margin", Double.toString(switchMargin));
        p.put("search.ensemble-top", Integer.toString(ensembleTop));
        p.put("search.placement", placement);
        settings.ifPresent(s -> p.putAll(s.toProperties()));
        return p;
    }
}
