package dev.eddy.core.data.stream;

import dev.eddy.core.data.LabeledRow;
import java.util.Arrays;
import java.util.List;

/**
 * The loan-applicant generator of Agrawal, Imielinski and Swami (1993), "Database mining: a performance
 * perspective", with its ten classification functions, as in MOA's {@code AgrawalGenerator}; drift switches the
 * function at the points of a {@link DriftSchedule}.
 *
 * <pre>
 * salary ~ U[20000, 150000]        commission = 0 if salary ≥ 75000, else ~ U[10000, 75000]
 * age ~ U{20 … 80}   elevel ~ U{0 … 4}   car ~ U{0 … 19}   zipcode ~ U{0 … 8}
 * hvalue = (9 − zipcode) · 100000 · (0.5 + U[0, 1])   hyears ~ U{1 … 30}   loan ~ U[0, 500000]
 * </pre>
 *
 * Label: group A = 0, group B = 1, by {@link #classify}; numeric attributes are then perturbed, v ← clamp(v + r ·
 * perturbation · U[−1, 1]) with r the attribute's range (MOA's perturbation), and the label flipped with probability
 * noise.
 */
public final class Agrawal extends BinaryDriftingStream {

    private static final List<String> NAMES =
            List.of("salary", "commission", "age", "elevel", "car", "zipcode", "hvalue", "hyears", "loan");

    private static final int SALARY = 0;
    private static final int COMMISSION = 1;
    private static final int AGE = 2;
    private static final int ELEVEL = 3;
    private static final int ZIPCODE = 5;
    private static final int HVALUE = 6;
    private static final int HYEARS = 7;
    private static final int LOAN = 8;

    /** Number of classification functions. */
    public static final int FUNCTIONS = 10;

    private final int[] functions;
    private final DriftSchedule drift;
    private final double perturbation;

    /**
     * @param functions the functions (1 … 10) of concepts 0, 1, …; concept c uses functions[c mod length]
     * @param drift where the concept switches to the next function
     * @param perturbation fraction in [0, 1] of each numeric attribute's range added as uniform noise (MOA: 0.05)
     * @param noise probability in [0, 1) that a label is flipped
     * @param seed seed of all random draws
     */
    public Agrawal(int[] functions, DriftSchedule drift, double perturbation, double noise, long seed) {
        super(noise, seed);
        if (functions.length == 0) {
            throw new IllegalArgumentException("functions must name at least one function in 1..10, got none");
        }
        for (int f : functions) {
            if (f < 1 || f > FUNCTIONS) {
                throw new IllegalArgumentException(
                        "functions must be in 1.." + FUNCTIONS + ", got " + Arrays.toString(functions));
            }
        }
        this.functions = functions.clone();
        this.drift = drift;
        this.perturbation = Probabilities.check("perturbation", perturbation);
    }

    /**
     * Group of the applicant x (in {@link #featureNames()} order) under function f: 0 (group A) or 1 (group B).
     *
     * <pre>
     * 1: A ⇔ age &lt; 40 ∨ age ≥ 60
     * 2: A ⇔ salary ∈ [50k, 100k] (age &lt; 40), [75k, 125k] (40 ≤ age &lt; 60), [25k, 75k] (age ≥ 60)
     * 3: A ⇔ elevel ∈ {0, 1} (age &lt; 40), {1, 2, 3} (40 ≤ age &lt; 60), {2, 3, 4} (age ≥ 60)
     * 4: A ⇔ salary band chosen by age band and elevel (Agrawal et al., table 2)
     * 5: A ⇔ loan band chosen by age band and salary band
     * 6: as 2 with salary + commission
     * 7: A ⇔ ⅔(salary + commission) − loan/5 − 20000 &gt; 0
     * 8: A ⇔ ⅔(salary + commission) − 5000·elevel − 20000 &gt; 0
     * 9: A ⇔ ⅔(salary + commission) − 5000·elevel − loan/5 − 10000 &gt; 0
     * 10: A ⇔ ⅔(salary + commission) − 5000·elevel + equity/5 − 10000 &gt; 0, equity = hvalue·(hyears − 20)/10 if hyears ≥ 20
     * </pre>
     */
    public static int classify(int function, double[] x) {
        double salary = x[SALARY];
        double income = salary + x[COMMISSION];
        double age = x[AGE];
        double elevel = x[ELEVEL];
        double loan = x[LOAN];
        int band = age < 40 ? 0 : age < 60 ? 1 : 2;
        boolean groupA =
                switch (function) {
                    case 1 -> band != 1;
                    case 2 -> salaryBand(salary, band);
                    case 3 -> band == 0 ? elevel <= 1 : band == 1 ? elevel >= 1 && elevel <= 3 : elevel >= 2;
                    case 4 -> band == 0
                            ? elevel <= 1 ? in(salary, 25_000, 75_000) : in(salary, 50_000, 100_000)
                            : band == 1
                                    ? elevel >= 1 && elevel <= 3
                                            ? in(salary, 50_000, 100_000)
                                            : in(salary, 75_000, 125_000)
                                    : elevel >= 2 ? in(salary, 50_000, 100_000) : in(salary, 25_000, 75_000);
                    case 5 -> band == 0
                            ? in(salary, 50_000, 100_000) ? in(loan, 100_000, 300_000) : in(loan, 200_000, 400_000)
                            : band == 1
                                    ? in(salary, 75_000, 125_000)
                                            ? in(loan, 200_000, 400_000)
                                            : in(loan, 300_000, 500_000)
                                    : in(salary, 25_000, 75_000)
                                            ? in(loan, 300_000, 500_000)
                                            : in(loan, 100_000, 300_000);
                    case 6 -> salaryBand(income, band);
                    case 7 -> 2 * income / 3 - loan / 5 - 20_000 > 0;
                    case 8 -> 2 * income / 3 - 5_000 * elevel - 20_000 > 0;
                    case 9 -> 2 * income / 3 - 5_000 * elevel - loan / 5 - 10_000 > 0;
                    case 10 -> {
                        double hyears = x[HYEARS];
                        double equity = hyears >= 20 ? x[HVALUE] * (hyears - 20) / 10 : 0;
                        yield 2 * income / 3 - 5_000 * elevel + equity / 5 - 10_000 > 0;
                    }
                    default -> throw new IllegalArgumentException(
                            "function must be in 1.." + FUNCTIONS + ", got " + function);
                };
        return groupA ? 0 : 1;
    }

    private static boolean salaryBand(double amount, int ageBand) {
        return switch (ageBand) {
            case 0 -> in(amount, 50_000, 100_000);
            case 1 -> in(amount, 75_000, 125_000);
            default -> in(amount, 25_000, 75_000);
        };
    }

    private static boolean in(double v, double lo, double hi) {
        return lo <= v && v <= hi;
    }

    /** The function (1 … 10) in force for the next example. */
    public int function() {
        return functions[drift.concept(position()) % functions.length];
    }

    @Override
    public LabeledRow next() {
        double[] x = new double[NAMES.size()];
        x[SALARY] = 20_000 + 130_000 * random.nextDouble();
        x[COMMISSION] = x[SALARY] >= 75_000 ? 0 : 10_000 + 65_000 * random.nextDouble();
        x[AGE] = 20 + random.nextInt(61);
        x[ELEVEL] = random.nextInt(5);
        x[4] = random.nextInt(20);
        x[ZIPCODE] = random.nextInt(9);
        x[HVALUE] = (9 - x[ZIPCODE]) * 100_000 * (0.5 + random.nextDouble());
        x[HYEARS] = 1 + random.nextInt(30);
        x[LOAN] = 500_000 * random.nextDouble();
        int y = classify(function(), x);
        if (perturbation > 0) {
            x[SALARY] = perturb(x[SALARY], 130_000, 20_000, 150_000);
            if (x[COMMISSION] > 0) {
                x[COMMISSION] = perturb(x[COMMISSION], 65_000, 10_000, 75_000);
            }
            x[AGE] = Math.round(perturb(x[AGE], 60, 20, 80));
            x[HVALUE] = perturb(x[HVALUE], (9 - x[ZIPCODE]) * 100_000, 0, 1_350_000);
            x[HYEARS] = Math.round(perturb(x[HYEARS], 29, 1, 30));
            x[LOAN] = perturb(x[LOAN], 500_000, 0, 500_000);
        }
        return emit(x, y);
    }

    /** v + range · perturbation · U[−1, 1], clamped to [min, max]. */
    private double perturb(double v, double range, double min, double max) {
        double p = v + range * perturbation * (2 * random.nextDouble() - 1);
        return Math.min(max, Math.max(min, p));
    }

    @Override
    public List<String> featureNames() {
        return NAMES;
    }
}
