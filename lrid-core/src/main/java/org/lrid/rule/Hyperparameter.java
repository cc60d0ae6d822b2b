package org.lrid.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.lrid.LridException;

/**
 * The one table of learning-rule hyperparameters: name, type, valid range, default, one-line
 * description and the rules it applies to. {@link LearningRule#withOverrides} (so {@code --set} and
 * the sweep specs' {@code set:} maps), validation, the values stored with every run and {@code lrid
 * rules} all read it. Keys are lower case; overrides are matched case-insensitively and stored
 * canonically.
 */
public enum Hyperparameter {
    LR(
            "lr",
            Type.NUMBER,
            0,
            false,
            1e12,
            true,
            null,
            "learning rate of W, b and B (the peak value under a schedule)",
            Scope.ALL),
    MOMENTUM(
            "momentum",
            Type.NUMBER,
            0,
            true,
            1,
            false,
            0.9,
            "momentum coefficient",
            Scope.MOMENTUM),
    NESTEROV(
            "nesterov",
            Type.BOOLEAN,
            0,
            true,
            0,
            true,
            true,
            "Nesterov momentum (the reference's); false: heavy-ball",
            Scope.MOMENTUM),
    BETA1("beta1", Type.NUMBER, 0, true, 1, false, 0.9, "Adam's first-moment decay", Scope.ADAM),
    BETA2("beta2", Type.NUMBER, 0, true, 1, false, 0.999, "Adam's second-moment decay", Scope.ADAM),
    EPS("eps", Type.NUMBER, 0, false, 1, true, 1e-8, "Adam's epsilon", Scope.ADAM),
    WEIGHT_DECAY(
            "weight_decay",
            Type.NUMBER,
            0,
            true,
            1,
            false,
            null,
            "L2 on W and b: wd * p added to the gradient (PyTorch/TF convention); default per architecture"
                    + " family",
            Scope.ALL),
    LR_SCHEDULE(
            "lr_schedule",
            Type.CHOICE,
            0,
            true,
            0,
            true,
            "constant",
            "learning-rate schedule after the warm-up: constant, step (drops at lr_drop_at) or cosine (to 0)",
            Scope.ALL,
            "constant",
            "step",
            "cosine"),
    WARMUP(
            "warmup",
            Type.NUMBER,
            0,
            true,
            1,
            false,
            0.0,
            "fraction of the run over which the learning rate rises linearly from lr/W to lr",
            Scope.ALL),
    LR_DROP(
            "lr_drop",
            Type.NUMBER,
            0,
            false,
            1,
            true,
            0.1,
            "factor the step schedule multiplies the learning rate by at each drop",
            Scope.ALL),
    LR_DROP_AT(
            "lr_drop_at",
            Type.FRACTIONS,
            0,
            false,
            1,
            false,
            "0.5,0.75",
            "fractions of the run at which the step schedule drops, e.g. 0.5,0.75",
            Scope.ALL),
    DECAY(
            "decay",
            Type.NUMBER,
            0,
            true,
            1000,
            true,
            0.0,
            "alignment coefficient of ||W||^2 + ||B||^2 (kp: minimised over W and B)",
            Scope.FEEDBACK),
    AMP(
            "amp",
            Type.NUMBER,
            0,
            true,
            1000,
            true,
            0.0,
            "alignment coefficient of -<Pb, Pf>/N (Hebbian growth of B toward W)",
            Scope.FEEDBACK),
    NULL(
            "null",
            Type.NUMBER,
            0,
            true,
            1000,
            true,
            0.0,
            "alignment coefficient of ||Pf B||^2/N (reconstruction)",
            Scope.FEEDBACK),
    SPARSE(
            "sparse",
            Type.NUMBER,
            0,
            true,
            1000,
            true,
            0.0,
            "alignment coefficient of (||Pf||^2 + ||Pb||^2)/N",
            Scope.FEEDBACK),
    SELF(
            "self",
            Type.NUMBER,
            0,
            true,
            1000,
            true,
            0.0,
            "alignment coefficient of -sum W_ij B_ij",
            Scope.FEEDBACK),
    ALIGNMENT_MAX_STEP(
            "alignment_max_step",
            Type.NUMBER,
            0,
            false,
            1e6,
            true,
            1.0,
            "cap on lr x (curvature bound of the alignment loss in B): B's step shrinks where raw inputs make the"
                    + " null or sparse term stiff (1e6: no cap)",
            Scope.FEEDBACK),
    ALIGNMENT_BIAS(
            "alignment_bias",
            Type.BOOLEAN,
            0,
            true,
            0,
            true,
            true,
            "projections include the (stop-gradient) bias, Pf = x W^T + b, Pb = x B^T + b, as the reference",
            Scope.FEEDBACK),
    NORMALIZE_INPUT(
            "normalize_input",
            Type.BOOLEAN,
            0,
            true,
            0,
            true,
            null,
            "alignment losses see each example centred and scaled to unit norm (default per"
                    + " architecture family: on the conv families, which have no normalisation"
                    + " layers, ia with raw inputs diverges)",
            Scope.FEEDBACK),
    NOISE_INPUT(
            "noise_input",
            Type.BOOLEAN,
            0,
            true,
            0,
            true,
            false,
            "alignment losses see i.i.d. standard normal inputs (Akrout's sleep phase)",
            Scope.FEEDBACK),
    SIGMA(
            "sigma",
            Type.NUMBER,
            0,
            false,
            10,
            true,
            null,
            "std of the perturbation noise (np: on every unit's input and output at every time step; wp: on every"
                    + " weight and bias for a trial); default per rule",
            Scope.PERTURBATION),
    PERTURBATIONS(
            "perturbations",
            Type.INTEGER,
            1,
            true,
            1000,
            true,
            1,
            "noise draws per update, their estimates averaged (each draw one perturbed trial, two when"
                    + " antithetic)",
            Scope.PERTURBATION),
    ANTITHETIC(
            "antithetic",
            Type.BOOLEAN,
            0,
            true,
            0,
            true,
            false,
            "each draw is tried at +noise and -noise (a central difference: the clean trial's reward"
                    + " cancels)",
            Scope.PERTURBATION);

    /** The value kinds a hyperparameter can take. */
    public enum Type {
        NUMBER,
        INTEGER,
        BOOLEAN,
        CHOICE,
        FRACTIONS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The rules a hyperparameter applies to, by their structure. */
    public enum Scope {
        ALL("every rule", r -> true),
        MOMENTUM(
                "rules stepped by SGD with momentum",
                r -> r.optimizerKind() == OptimizerSpec.Kind.MOMENTUM),
        ADAM("rules stepped by Adam", r -> r.optimizerKind() == OptimizerSpec.Kind.ADAM),
        FEEDBACK(
                "rules that send the error through B",
                r -> r.credit() == CreditAssignment.FEEDBACK),
        PERTURBATION("perturbation rules (np, wp)", r -> r.credit().perturbative());

        private final String description;
        private final Predicate<LearningRule> test;

        Scope(String description, Predicate<LearningRule> test) {
            this.description = description;
            this.test = test;
        }

        public String description() {
            return description;
        }
    }

    /**
     * Weight decay by architecture family (README: "Weight decay"); none on rnn, where the
     * recurrent rules' learning rates were measured without it.
     */
    private static final Map<String, Double> FAMILY_WEIGHT_DECAY =
            Map.of("mlp", 1e-4, "convnet", 5e-4, "resnet", 1e-4, "rnn", 0.0);

    /**
     * Whether the alignment losses see normalised inputs, by architecture family. Kunin et al.'s
     * reference keeps it off (Neural-Alignment flags.py, {@code normalize_input} False) and its
     * ResNets carry batch normalisation; lrid's convnet and resnet have none, and there the
     * penultimate layer's input power grows tenfold within 40 steps of training through B, amp's
     * pull on B with it, and ia diverges (README, "Alignment on the conv architectures").
     * Normalising each example's alignment input is the reference's own option and stands in for
     * the missing normalisation layers.
     */
    private static final Map<String, Boolean> FAMILY_NORMALIZE_INPUT =
            Map.of("mlp", false, "convnet", true, "resnet", true, "rnn", false);

    private final String key;
    private final Type type;
    private final double min;
    private final boolean minInclusive;
    private final double max;
    private final boolean maxInclusive;
    private final Object defaultValue;
    private final String description;
    private final Scope scope;
    private final List<String> choices;

    Hyperparameter(
            String key,
            Type type,
            double min,
            boolean minInclusive,
            double max,
            boolean maxInclusive,
            Object defaultValue,
            String description,
            Scope scope,
            String... choices) {
        this.key = key;
        this.type = type;
        this.min = min;
        this.minInclusive = minInclusive;
        this.max = max;
        this.maxInclusive = maxInclusive;
        this.defaultValue = defaultValue;
        this.description = description;
        this.scope = scope;
        this.choices = List.of(choices);
    }

    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    public String description() {
        return description;
    }

    public Scope scope() {
        return scope;
    }

    public List<String> choices() {
        return choices;
    }

    /**
     * The table default, canonical; null when the default is per rule (lr) or per family (weight
     * decay).
     */
    public Object defaultValue() {
        return defaultValue;
    }

    public boolean appliesTo(LearningRule rule) {
        return scope.test.test(rule);
    }

    /** The weight decay of an architecture family. */
    public static double weightDecayFor(String family) {
        Double wd = FAMILY_WEIGHT_DECAY.get(family.toLowerCase(Locale.ROOT));
        if (wd == null) {
            throw new LridException(
                    "no weight decay default for architecture family '" + family + "'");
        }
        return wd;
    }

    /** Whether alignment losses see normalised inputs on an architecture family by default. */
    public static boolean normalizeInputFor(String family) {
        Boolean n = FAMILY_NORMALIZE_INPUT.get(family.toLowerCase(Locale.ROOT));
        if (n == null) {
            throw new LridException(
                    "no normalize_input default for architecture family '" + family + "'");
        }
        return n;
    }

    /** Where the default comes from, for {@code lrid rules}. */
    public String defaultText() {
        if (this == NORMALIZE_INPUT) {
            List<String> parts = new ArrayList<>();
            for (String f : List.of("mlp", "convnet", "resnet", "rnn")) {
                parts.add(f + " " + FAMILY_NORMALIZE_INPUT.get(f));
            }
            return String.join(", ", parts);
        }
        if (this == WEIGHT_DECAY) {
            List<String> parts = new ArrayList<>();
            for (String f : List.of("mlp", "convnet", "resnet", "rnn")) {
                parts.add(f + " " + FAMILY_WEIGHT_DECAY.get(f));
            }
            return String.join(", ", parts);
        }
        return defaultValue == null ? "per rule" : String.valueOf(defaultValue);
    }

    /** The valid values, e.g. {@code (0, 10]}, {@code true|false}. */
    public String rangeText() {
        return switch (type) {
            case NUMBER, INTEGER ->
                    (minInclusive ? "[" : "(")
                            + format(min)
                            + ", "
                            + format(max)
                            + (maxInclusive ? "]" : ")");
            case BOOLEAN -> "true|false";
            case CHOICE -> String.join("|", choices);
            case FRACTIONS -> "comma-separated fractions in (0, 1)";
        };
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e7
                ? String.valueOf((long) v)
                : String.valueOf(v);
    }

    /** The hyperparameter named {@code name} in any case, or null. */
    public static Hyperparameter find(String name) {
        String k = name.trim().toLowerCase(Locale.ROOT);
        for (Hyperparameter h : values()) {
            if (h.key.equals(k)) {
                return h;
            }
        }
        return null;
    }

    /**
     * The canonical value of {@code raw} (a Number, Boolean, String or List from a spec or the
     * command line): Double, Boolean or String.
     *
     * @throws LridException naming the key, the value and the valid range
     */
    public Object parse(Object raw) {
        return switch (type) {
            case NUMBER -> {
                double v = number(raw);
                if (!inRange(v)) {
                    throw invalid(raw);
                }
                yield v;
            }
            case INTEGER -> {
                double v = number(raw);
                if (!inRange(v) || v != Math.rint(v)) {
                    throw invalid(raw);
                }
                yield (int) v;
            }
            case BOOLEAN -> {
                String s = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
                if (!s.equals("true") && !s.equals("false")) {
                    throw invalid(raw);
                }
                yield Boolean.parseBoolean(s);
            }
            case CHOICE -> {
                String s = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
                if (!choices.contains(s)) {
                    throw invalid(raw);
                }
                yield s;
            }
            case FRACTIONS -> fractions(raw);
        };
    }

    private boolean inRange(double v) {
        return Double.isFinite(v)
                && (minInclusive ? v >= min : v > min)
                && (maxInclusive ? v <= max : v < max);
    }

    private double number(Object raw) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(raw).trim());
        } catch (NumberFormatException e) {
            throw invalid(raw);
        }
    }

    private String fractions(Object raw) {
        List<?> items;
        if (raw instanceof List<?> l) {
            items = l;
        } else {
            String s = String.valueOf(raw).trim();
            if (s.startsWith("[") && s.endsWith("]")) {
                s = s.substring(1, s.length() - 1);
            }
            items = s.isBlank() ? List.of() : List.of(s.split(","));
        }
        if (items.isEmpty()) {
            throw invalid(raw);
        }
        List<String> out = new ArrayList<>();
        double previous = 0;
        for (Object item : items) {
            double v;
            try {
                v =
                        item instanceof Number n
                                ? n.doubleValue()
                                : Double.parseDouble(String.valueOf(item).trim());
            } catch (NumberFormatException e) {
                throw invalid(raw);
            }
            if (!inRange(v) || v <= previous) {
                throw invalid(raw);
            }
            previous = v;
            out.add(String.valueOf(v));
        }
        return String.join(",", out);
    }

    /** The values of a canonical {@link Type#FRACTIONS} string. */
    public static double[] fractionsOf(String canonical) {
        String[] parts = canonical.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Double.parseDouble(parts[i]);
        }
        return v;
    }

    private LridException invalid(Object raw) {
        String shown = raw instanceof String s ? "'" + s + "'" : String.valueOf(raw);
        return new LridException(
                "hyperparameter '"
                        + key
                        + "' must be "
                        + (type == Type.NUMBER
                                ? "a number in "
                                : type == Type.INTEGER
                                        ? "an integer in "
                                        : type == Type.FRACTIONS ? "increasing " : "one of ")
                        + rangeText()
                        + ", got "
                        + shown);
    }
}
