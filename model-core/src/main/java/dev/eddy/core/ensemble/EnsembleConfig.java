package dev.eddy.core.ensemble;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code ensemble.*} keys of a model: a network configuration trained as K members, each seeded differently.
 *
 * <pre>
 * ensemble          bagging | leveraging-bagging | boosting; none or absent: one network (no other ensemble key
 *                   applies)
 * ensemble.size     K, members, 2 ≤ K ≤ {@value #MAX_SIZE}, default 10
 * ensemble.lambda   λ &gt; 0 of each member's draw k ~ Poisson(λ), default 1 (bagging, boosting) or 6 (leveraging
 *                   bagging); a model configured today: λ ≤ {@value #MAX_LAMBDA}
 * </pre>
 *
 * @param kind the method, null for a single network ({@link #NONE})
 */
public record EnsembleConfig(EnsembleKind kind, int size, double lambda) {

    /** Members at most: the cost grows with K and the gain flattens well before. */
    public static final int MAX_SIZE = 64;

    public static final int DEFAULT_SIZE = 10;

    /**
     * The largest {@code ensemble.lambda} of a model configured today. A draw costs about λ terms per member and example
     * ({@link PoissonDraw}): at 1,000, 170 times leveraging bagging's λ = 6, already far from what the methods use (1
     * and 6). MOA takes any λ; a stored configuration above it still trains.
     */
    public static final double MAX_LAMBDA = 1000;

    /** The keys, sorted. */
    public static final List<String> KEYS = List.of("ensemble", "ensemble.lambda", "ensemble.size");

    /** One network. */
    public static final EnsembleConfig NONE = new EnsembleConfig(null, 1, 1);

    public EnsembleConfig {
        if (kind != null) {
            if (size < 2 || size > MAX_SIZE) {
                throw new IllegalArgumentException(
                        "ensemble.size must be an integer in [2, " + MAX_SIZE + "], got " + size);
            }
            if (!(lambda > 0 && Double.isFinite(lambda))) {
                throw new IllegalArgumentException("ensemble.lambda must be a finite number > 0, got " + lambda);
            }
        }
    }

    /**
     * Reads the {@link #KEYS} of {@code props} (other keys are ignored).
     *
     * @param regression whether the model's loss is a regression loss (boosting is then refused)
     * @throws IllegalArgumentException naming the key, the value and what is allowed
     */
    public static EnsembleConfig parse(Map<String, String> props, boolean regression) {
        String name = props.get("ensemble");
        if (name == null || name.equals("none")) {
            for (String key : KEYS) {
                if (props.containsKey(key) && !key.equals("ensemble")) {
                    throw new IllegalArgumentException(
                            "key '" + key + "' applies only with ensemble = one of " + EnsembleKind.keys());
                }
            }
            return NONE;
        }
        EnsembleKind kind = EnsembleKind.of(name);
        if (kind == null) {
            throw new IllegalArgumentException("ensemble must be one of " + EnsembleKind.keys()
                    + " (or none, or absent, for one network), got '" + name + "'");
        }
        if (kind == EnsembleKind.BOOSTING && regression) {
            throw new IllegalArgumentException("ensemble=boosting needs a classification loss: online boosting"
                    + " weighs examples by whether a member classified them correctly; loss=mse is a regression"
                    + " loss (use ensemble=bagging or leveraging-bagging)");
        }
        int size = integer(props, "ensemble.size", DEFAULT_SIZE);
        double lambda = real(props, "ensemble.lambda", kind.defaultLambda());
        return new EnsembleConfig(kind, size, lambda);
    }

    /** Why a model configured today may not have these keys (a λ above {@value #MAX_LAMBDA}), null when it may. */
    public String newConfigurationRefusal() {
        if (kind != null && lambda > MAX_LAMBDA) {
            return "ensemble.lambda must be a number in (0, " + (long) MAX_LAMBDA + "], got " + lambda
                    + " (each member draws about λ terms per example)";
        }
        return null;
    }

    /** Whether this is an ensemble (not a single network). */
    public boolean enabled() {
        return kind != null;
    }

    /** The canonical keys: none for a single network. */
    public SortedMap<String, String> toProperties() {
        SortedMap<String, String> p = new TreeMap<>();
        if (kind != null) {
            p.put("ensemble", kind.key());
            p.put("ensemble.size", Integer.toString(size));
            p.put("ensemble.lambda", Double.toString(lambda));
        }
        return p;
    }

    private static int integer(Map<String, String> props, String key, int fallback) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    key + " must be an integer in [2, " + MAX_SIZE + "], got '" + text + "'");
        }
    }

    private static double real(Map<String, String> props, String key, double fallback) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a finite number > 0, got '" + text + "'");
        }
    }
}
