package org.lrid.identify;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lrid.LridException;
import org.lrid.store.DatasetSchema;

/**
 * What a {@code generalize} cell holds out for testing (science.md section 7): a range of a stored
 * hyperparameter, an architecture or a task. Syntax of {@code --holdout}:
 *
 * <ul>
 *   <li>{@code NAME:upper-third}, {@code NAME:lower-third}, {@code NAME:upper-half}, {@code
 *       NAME:lower-half}: per rule, that share of the rule's networks with the highest (lowest)
 *       values of NAME, so that rules with different ranges (ia's learning rates a decade below
 *       sgdm's) each lose their own upper third;
 *   <li>{@code NAME>V}, {@code NAME>=V}, {@code NAME<V}, {@code NAME<=V}: networks whose NAME
 *       passes the test, whatever their rule;
 *   <li>{@code arch=A}, {@code task=T} (or any run column {@code =} a value): networks with that
 *       value.
 * </ul>
 *
 * NAME is a numeric column of the run table ({@link #COLUMNS}) or a key of a run's {@code
 * hyperparameters} JSON (e.g. momentum, beta1). Test networks never train: {@link Splits#heldOut}
 * draws both sides from disjoint sets of networks.
 */
public record HoldOut(String spec, String name, String op, String value) {

    /**
     * Numeric run-table columns a range may hold out; any other name is read from the
     * hyperparameters JSON.
     */
    public static final Set<String> COLUMNS =
            Set.of("learning_rate", "init_scale", "batch_size", "width", "depth", "steps");

    /** Text run-table columns a value may hold out. */
    public static final Set<String> TEXT_COLUMNS =
            Set.of("arch", "task", "arch_family", "optimizer");

    private static final Map<String, Double> SHARES =
            Map.of(
                    "upper-third",
                    1 / 3.0,
                    "lower-third",
                    1 / 3.0,
                    "upper-half",
                    0.5,
                    "lower-half",
                    0.5);
    private static final Pattern SHARE =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*):(upper|lower)-(third|half)");
    private static final Pattern COMPARE =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(>=|<=|>|<|=)(.+)");
    public static final String SYNTAX =
            "NAME:upper-third|lower-third|upper-half|lower-half, NAME>V, NAME>=V,"
                    + " NAME<V, NAME<=V or arch=A / task=T";

    /** Parses one {@code --holdout} value, refusing a malformed one with the syntax. */
    public static HoldOut parse(String spec) {
        String s = spec.trim();
        Matcher m = SHARE.matcher(s);
        if (m.matches()) {
            return new HoldOut(s, m.group(1), m.group(2) + "-" + m.group(3), null);
        }
        m = COMPARE.matcher(s);
        if (m.matches()) {
            String op = m.group(2);
            String v = m.group(3).trim();
            if (op.equals("=")) {
                if (!TEXT_COLUMNS.contains(m.group(1))) {
                    throw new LridException(
                            "--holdout '"
                                    + spec
                                    + "': '=' holds out a value of "
                                    + String.join(", ", new java.util.TreeSet<>(TEXT_COLUMNS))
                                    + "; for a number use a range ("
                                    + SYNTAX
                                    + ")");
                }
            } else {
                try {
                    Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new LridException(
                            "--holdout '"
                                    + spec
                                    + "': '"
                                    + v
                                    + "' is not a number ("
                                    + SYNTAX
                                    + ")");
                }
            }
            return new HoldOut(s, m.group(1), op, v);
        }
        throw new LridException(
                "--holdout '"
                        + spec
                        + "' is not a held-out selection; write "
                        + SYNTAX
                        + ", e.g. learning_rate:upper-third");
    }

    /** The label of a cell holding this out (the results file's key). */
    public String label() {
        return TEXT_COLUMNS.contains(name) && op.equals("=") ? "held_out_" + name : "held_out";
    }

    /** The label's value. */
    public String labelValue() {
        return label().equals("held_out") ? spec : value;
    }

    /**
     * Which runs of a dataset are held out, by run id.
     *
     * @param rules the rule of each run id (for the per-rule shares)
     */
    public Set<String> heldOutRuns(Path dir, Map<String, String> rules) {
        Map<String, String> values = values(dir, rules.keySet());
        Set<String> out = new java.util.TreeSet<>();
        if (SHARES.containsKey(op)) {
            Map<String, List<String>> byRule = new HashMap<>();
            for (String run : rules.keySet()) {
                byRule.computeIfAbsent(rules.get(run), r -> new ArrayList<>()).add(run);
            }
            boolean upper = op.startsWith("upper");
            for (List<String> runs : byRule.values()) {
                List<String> sorted = new ArrayList<>(runs);
                sorted.sort(
                        (a, b) -> {
                            int c = Double.compare(number(values, a), number(values, b));
                            return upper ? -c : c;
                        });
                int k = (int) Math.round(SHARES.get(op) * sorted.size());
                if (k == 0) {
                    continue;
                }
                double edge = number(values, sorted.get(k - 1));
                for (String run : sorted) {
                    double v = number(values, run);
                    if (upper ? v >= edge : v <= edge) { // ties at the edge go together
                        out.add(run);
                    }
                }
            }
        } else {
            for (String run : rules.keySet()) {
                boolean in =
                        switch (op) {
                            case "=" -> value.equals(values.get(run));
                            case ">" -> number(values, run) > Double.parseDouble(value);
                            case ">=" -> number(values, run) >= Double.parseDouble(value);
                            case "<" -> number(values, run) < Double.parseDouble(value);
                            default -> number(values, run) <= Double.parseDouble(value);
                        };
                if (in) {
                    out.add(run);
                }
            }
        }
        return out;
    }

    private double number(Map<String, String> values, String run) {
        String v = values.get(run);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new LridException(
                    "--holdout '"
                            + spec
                            + "': run "
                            + run
                            + " has no numeric "
                            + name
                            + " ("
                            + v
                            + "); numeric run columns: "
                            + String.join(", ", new java.util.TreeSet<>(COLUMNS))
                            + ", or a key of the hyperparameters JSON");
        }
    }

    /** The value of NAME for every run id (text; null where absent). */
    private Map<String, String> values(Path dir, Set<String> runs) {
        String expr =
                COLUMNS.contains(name) || TEXT_COLUMNS.contains(name)
                        ? "CAST(\"" + name + "\" AS VARCHAR)"
                        : "json_extract_string(hyperparameters, ?)";
        Map<String, String> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement p =
                        c.prepareStatement(
                                "SELECT run_id, "
                                        + expr
                                        + " FROM "
                                        + DatasetSchema.runTable(dir))) {
            if (expr.contains("?")) {
                p.setString(1, "$." + name);
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    if (runs.contains(r.getString(1))) {
                        out.put(r.getString(1), r.getString(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw new LridException(
                    "--holdout '"
                            + spec
                            + "': cannot read "
                            + name
                            + " from "
                            + dir
                            + ": "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
        return out;
    }
}
