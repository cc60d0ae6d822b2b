package org.lrid.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.lrid.LridException;

/**
 * A value of a sweep spec given as a distribution instead of a value (science.md section 7,
 * "Randomised zoos"). One YAML mapping with one key:
 *
 * <pre>
 * {uniform: [lo, hi]}      lo &lt;= hi: uniform on [lo, hi]
 * {loguniform: [lo, hi]}   0 &lt; lo &lt;= hi: exp(uniform on [log lo, log hi])
 * {choice: [a, b, ...]}    one of the listed values (numbers, names, true/false), each equally likely
 * </pre>
 *
 * A number drawn from {@code uniform} or {@code loguniform} is rounded to {@link #DIGITS}
 * significant digits (so that it is stored and hashed as a short plain value) and kept inside [lo,
 * hi]. An integer draw ({@link #drawInteger}, batch sizes) is uniform over the integers of [lo, hi]
 * for {@code uniform} and the nearest integer of the continuous draw for {@code loguniform}.
 *
 * <p>Every draw is {@code new SplittableRandom(seed)} with {@code seed = }{@link #seed}{@code
 * (cell, key)}: the first 8 bytes of SHA-256 of the cell's text and the key, so a draw depends on
 * nothing but its own cell, sample and key.
 *
 * @param kind uniform, loguniform or choice
 * @param lo, hi the range (uniform, loguniform); NaN for choice
 * @param choices the values as text (choice); empty otherwise
 */
public record Distribution(Kind kind, double lo, double hi, List<String> choices) {

    /** The kinds of distribution, by their YAML key. */
    public enum Kind {
        UNIFORM,
        LOGUNIFORM,
        CHOICE;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Significant digits of a drawn number. */
    public static final int DIGITS = 6;

    private static final String FORMS =
            "{uniform: [lo, hi]}, {loguniform: [lo, hi]} or {choice: [a, b, ...]}";

    public Distribution {
        choices = List.copyOf(choices);
    }

    /** True when a spec value is given as a distribution (a mapping) rather than a plain value. */
    public static boolean given(JsonNode node) {
        return node != null && node.isObject();
    }

    /**
     * Reads a distribution.
     *
     * @param key the spec key it is given for, named in every error (e.g. {@code rules[].set.lr})
     * @throws LridException one line naming the key: unknown kind, a range that is not two finite
     *     numbers with lo &lt;= hi, loguniform with lo &lt;= 0, an empty choice or a choice of
     *     non-scalars
     */
    public static Distribution parse(JsonNode node, String key) {
        if (!given(node) || node.size() != 1) {
            throw new LridException(
                    "key '"
                            + key
                            + "' must be a value or one distribution "
                            + FORMS
                            + ", got "
                            + node);
        }
        String name = node.fieldNames().next();
        JsonNode args = node.get(name);
        Kind kind;
        try {
            kind = Kind.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LridException(
                    "key '" + key + "': unknown distribution '" + name + "'; use " + FORMS);
        }
        if (kind == Kind.CHOICE) {
            if (!args.isArray() || args.isEmpty()) {
                throw new LridException(
                        "key '"
                                + key
                                + "': choice needs a non-empty list of values, such as"
                                + " {choice: [64, 128]}, got "
                                + args);
            }
            List<String> values = new ArrayList<>();
            for (JsonNode v : args) {
                if (!v.isValueNode() || v.isNull()) {
                    throw new LridException(
                            "key '"
                                    + key
                                    + "': choice values must be numbers, names or true/false,"
                                    + " got "
                                    + v);
                }
                values.add(v.asText());
            }
            return new Distribution(kind, Double.NaN, Double.NaN, values);
        }
        if (!args.isArray()
                || args.size() != 2
                || !args.get(0).isNumber()
                || !args.get(1).isNumber()) {
            throw new LridException(
                    "key '"
                            + key
                            + "': "
                            + kind.key()
                            + " needs a range [lo, hi] of two numbers,"
                            + " got "
                            + args);
        }
        double lo = args.get(0).asDouble();
        double hi = args.get(1).asDouble();
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new LridException(
                    "key '" + key + "': " + kind.key() + " range must be finite, got " + args);
        }
        if (lo > hi) {
            throw new LridException(
                    "key '"
                            + key
                            + "': "
                            + kind.key()
                            + " range ["
                            + lo
                            + ", "
                            + hi
                            + "] has lo > hi; write ["
                            + hi
                            + ", "
                            + lo
                            + "]");
        }
        if (kind == Kind.LOGUNIFORM && lo <= 0) {
            throw new LridException(
                    "key '"
                            + key
                            + "': loguniform range ["
                            + lo
                            + ", "
                            + hi
                            + "] must be positive (lo > 0); use uniform for a range that includes 0");
        }
        return new Distribution(kind, lo, hi, List.of());
    }

    /** The values to check against a valid range: lo and hi, or every choice. */
    public List<String> extremes() {
        return kind == Kind.CHOICE ? choices : List.of(Double.toString(lo), Double.toString(hi));
    }

    /** One spelling, used in labels and in the cell text that seeds the draws. */
    public String canonical() {
        return "{" + kind.key() + ": [" + String.join(", ", extremes()) + "]}";
    }

    /**
     * The drawn value as plain text: a number rounded to {@link #DIGITS} significant digits, or a
     * choice.
     */
    public String draw(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        if (kind == Kind.CHOICE) {
            return choices.get(random.nextInt(choices.size()));
        }
        double u = random.nextDouble();
        double v =
                kind == Kind.UNIFORM
                        ? lo + u * (hi - lo)
                        : Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
        double rounded =
                v == 0
                        ? 0
                        : new BigDecimal(v)
                                .round(new MathContext(DIGITS, RoundingMode.HALF_EVEN))
                                .doubleValue();
        return Double.toString(Math.min(hi, Math.max(lo, rounded)));
    }

    /**
     * A drawn positive integer (a batch size).
     *
     * @throws LridException naming the key when the distribution holds no positive integer
     */
    public int drawInteger(long seed, String key) {
        checkIntegers(key);
        if (kind == Kind.CHOICE) {
            return Integer.parseInt(draw(seed));
        }
        int min = (int) Math.ceil(lo);
        int max = (int) Math.floor(hi);
        SplittableRandom random = new SplittableRandom(seed);
        if (kind == Kind.UNIFORM) {
            return random.nextInt(min, max + 1);
        }
        double v = Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo)));
        return (int) Math.min(max, Math.max(min, Math.round(v)));
    }

    /**
     * Refuses, naming the key, a distribution that can draw something other than a positive
     * integer.
     */
    public void checkIntegers(String key) {
        if (kind == Kind.CHOICE) {
            for (String c : choices) {
                if (!c.matches("\\d+") || c.length() > 9 || Integer.parseInt(c) < 1) {
                    throw new LridException(
                            "key '"
                                    + key
                                    + "': choice values must be positive integers, got '"
                                    + c
                                    + "'");
                }
            }
        } else if (lo < 1 || hi > Integer.MAX_VALUE || Math.ceil(lo) > Math.floor(hi)) {
            throw new LridException(
                    "key '"
                            + key
                            + "': "
                            + canonical()
                            + " must hold a positive integer (lo >= 1,"
                            + " an integer between lo and hi)");
        }
    }

    /**
     * The seed of one draw: the first 8 bytes of SHA-256 of {@code cell + "|" + key}, big-endian.
     *
     * @param cell the text of the grid cell and sample (see {@link SweepSpec})
     * @param key the spec key drawn, e.g. {@code set.lr}
     */
    public static long seed(String cell, String key) {
        try {
            byte[] h =
                    MessageDigest.getInstance("SHA-256")
                            .digest((cell + "|" + key).getBytes(StandardCharsets.UTF_8));
            long s = 0;
            for (int i = 0; i < 8; i++) {
                s = (s << 8) | (h[i] & 0xFF);
            }
            return s;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
