package org.lrid.observe;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.lrid.LridException;

/**
 * The 45 observable names, {@code <measure><function>_<statistic>}, in one fixed order: weight (3 x
 * 7), act (3 x 7), then the three gradavg values. Stored columns and feature vectors use this
 * order.
 */
public final class Observables {

    /** Statistics per measure with a distribution (weight, act): 3 transforms x 7 statistics. */
    public static final int PER_MEASURE = Transform.values().length * Statistic.values().length;

    /** Number of observables per layer per checkpoint: 2 x 3 x 7 + 3. */
    public static final int COUNT = 2 * PER_MEASURE + Transform.values().length;

    /** The 45 names in canonical order. */
    public static final List<String> ALL;

    /**
     * The 24 that stayed finite in the paper, used for classification by default, in the order of
     * {@link #ALL} (weight raw, abs, sq; act raw, abs; gradavg).
     */
    public static final List<String> ADMISSIBLE;

    private static final Set<String> ADMISSIBLE_SET =
            Set.of(
                    "weightabs_mean",
                    "weightabs_median",
                    "weightabs_norm",
                    "weightabs_thirdquartile",
                    "weightabs_var",
                    "weightraw_mean",
                    "weightraw_median",
                    "weightraw_norm",
                    "weightraw_thirdquartile",
                    "weightraw_var",
                    "weightsq_mean",
                    "weightsq_median",
                    "weightsq_thirdquartile",
                    "actabs_mean",
                    "actabs_median",
                    "actabs_norm",
                    "actabs_thirdquartile",
                    "actraw_mean",
                    "actraw_median",
                    "actraw_norm",
                    "actraw_thirdquartile",
                    "gradavgraw_id",
                    "gradavgabs_id",
                    "gradavgsq_id");

    private static final Map<String, Integer> INDEX;

    /**
     * Names of the diagnostics stored beside the observables (cos(W, B), the update angle;
     * science.md section 3, "Diagnostics") start with this: no selection may contain them, they are
     * never features.
     */
    public static final String DIAGNOSTIC_PREFIX = "diag_";

    static {
        List<String> names = new ArrayList<>();
        for (Measure m : List.of(Measure.WEIGHT, Measure.ACT)) {
            for (Transform t : Transform.values()) {
                for (Statistic s : Statistic.values()) {
                    names.add(name(m, t, s));
                }
            }
        }
        for (Transform t : Transform.values()) {
            names.add("gradavg" + t.label() + "_id");
        }
        ALL = List.copyOf(names);
        ADMISSIBLE = ALL.stream().filter(ADMISSIBLE_SET::contains).toList();
        INDEX =
                IntStream.range(0, ALL.size())
                        .boxed()
                        .collect(Collectors.toUnmodifiableMap(ALL::get, i -> i));
    }

    private Observables() {}

    public static String name(Measure m, Transform t, Statistic s) {
        return m.label() + t.label() + "_" + s.label();
    }

    /** Position of {@code name} in {@link #ALL}, or -1. */
    public static int index(String name) {
        return INDEX.getOrDefault(name, -1);
    }

    /** Position of (measure, transform, statistic) in {@link #ALL}; weight and act only. */
    public static int index(Measure m, Transform t, Statistic s) {
        if (m == Measure.GRADAVG) {
            throw new IllegalArgumentException(
                    "gradavg has no distribution statistics; use gradavgIndex");
        }
        return m.ordinal() * PER_MEASURE + SummaryStatistics.index(t, s);
    }

    /** Position of {@code gradavg<t>_id} in {@link #ALL}. */
    public static int gradavgIndex(Transform t) {
        return 2 * PER_MEASURE + t.ordinal();
    }

    /** The names of {@link #ALL} at {@code from, from + count)}: e.g. one measure's 21. */
    public static List<String> range(int from, int count) {
        return ALL.subList(from, from + count);
    }

    /** The measure an observable name belongs to. */
    public static Measure measureOf(String name) {
        if (index(name) < 0) {
            throw new LridException("unknown observable '" + name + "'");
        }
        for (Measure m : Measure.values()) {
            if (name.startsWith(m.label())) {
                return m;
            }
        }
        throw new LridException("unknown observable '" + name + "'");
    }

    /**
     * Names for a selection: {@code admissible} (default, also for null or blank), {@code all}, a
     * measure class ({@code weight}, {@code act}, {@code gradavg}: its admissible members, 13, 8
     * and 3), or comma-separated explicit names, freely mixed with classes. Order follows {@link
     * #ALL}, without duplicates.
     *
     * @throws LridException naming an unknown observable or class and listing the valid classes
     */
    public static List<String> select(String spec) {
        String s = spec == null || spec.isBlank() ? "admissible" : spec.trim();
        Set<String> chosen = new LinkedHashSet<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            switch (p) {
                case "admissible" -> chosen.addAll(ADMISSIBLE);
                case "all" -> chosen.addAll(ALL);
                case "weight", "act", "gradavg" ->
                        ADMISSIBLE.stream()
                                .filter(n -> measureOf(n).label().equals(p))
                                .forEach(chosen::add);
                default -> {
                    if (p.startsWith(DIAGNOSTIC_PREFIX)) {
                        throw new LridException(
                                "'"
                                        + p
                                        + "' is a diagnostic (what a simulator can check and an"
                                        + " experimenter cannot measure), never a feature; choose observables such as"
                                        + " weightabs_median");
                    }
                    if (index(p) < 0) {
                        throw new LridException(
                                "unknown observable '"
                                        + p
                                        + "'; use admissible, all, weight, act,"
                                        + " gradavg or names such as weightabs_median (see the README's schema)");
                    }
                    chosen.add(p);
                }
            }
        }
        return ALL.stream().filter(chosen::contains).toList();
    }
}
