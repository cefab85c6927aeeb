package dev.eddy.core.ensemble;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The online ensemble methods of {@code ensemble}: how members draw their examples and how they are combined. */
public enum EnsembleKind {
    /** Oza and Russell 2001: each member sees each example with weight k ~ Poisson(λ = 1); the mean is served. */
    BAGGING(1),
    /**
     * Bifet, Holmes and Pfahringer 2010: k ~ Poisson(λ = 6), an ADWIN per member on its 0/1 error, the worst member
     * reset when one detects a change; the mean is served.
     */
    LEVERAGING_BAGGING(6),
    /** Oza and Russell 2001: λ grows on the examples the earlier members got wrong; a weighted vote is served. */
    BOOSTING(1);

    private final double defaultLambda;

    EnsembleKind(double defaultLambda) {
        this.defaultLambda = defaultLambda;
    }

    /** The key's value: {@code bagging}, {@code leveraging-bagging}, {@code boosting}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** λ of the Poisson draw unless {@code ensemble.lambda} says otherwise. */
    public double defaultLambda() {
        return defaultLambda;
    }

    /** The values {@code ensemble} allows. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(EnsembleKind::key).toList();
    }

    /** The kind named {@code key}, or null when none is. */
    static EnsembleKind of(String key) {
        for (EnsembleKind k : values()) {
            if (k.key().equals(key)) {
                return k;
            }
        }
        return null;
    }
}
