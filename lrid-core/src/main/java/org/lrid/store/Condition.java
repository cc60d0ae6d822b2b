package org.lrid.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.lrid.LridException;

/**
 * The key under which a recording condition's rows are stored: (unit fraction, noise sigma, seed),
 * all three, everywhere (science.md section 3). Two conditions with equal fraction and sigma and
 * different seeds keep different units and noise, so they are different conditions. The full
 * recording is {@link #FULL}, stored once per run.
 */
public record Condition(double fraction, double sigma, long seed) {

    /** Column names in the trajectory table. */
    public static final String FRACTION = "unit_fraction";

    public static final String SIGMA = "noise_sigma";
    public static final String SEED = "condition_seed";

    /** The full recording: every unit, no noise (stored with seed 0). */
    public static final Condition FULL = new Condition(1, 0, 0);

    /** True for a condition that records what the full recording records (any seed). */
    public boolean isFull() {
        return fraction == 1 && sigma == 0;
    }

    /**
     * A SQL predicate selecting this condition's rows, e.g. {@code t.unit_fraction = ... AND ...}.
     *
     * @param alias the table alias ("t"), or empty for none
     */
    public String where(String alias) {
        String p = alias.isEmpty() ? "" : alias + ".";
        return p
                + FRACTION
                + " = "
                + literal(fraction)
                + " AND "
                + p
                + SIGMA
                + " = "
                + literal(sigma)
                + " AND "
                + p
                + SEED
                + " = "
                + seed;
    }

    /** How a user names it: {@code fraction 0.5, sigma 0.1, seed 3}. */
    public String label() {
        return "fraction " + fraction + ", sigma " + sigma + ", seed " + seed;
    }

    /**
     * The conditions of a dataset's committed runs, the full recording first, then by fraction,
     * sigma, seed.
     */
    public static List<Condition> of(Path dir) {
        DatasetSchema.requireDataset(dir);
        String sql =
                "SELECT DISTINCT "
                        + FRACTION
                        + ", "
                        + SIGMA
                        + ", "
                        + SEED
                        + " FROM "
                        + DatasetSchema.committedTrajectories(dir)
                        + " ORDER BY 1 DESC, 2, 3";
        List<Condition> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(new Condition(r.getDouble(1), r.getDouble(2), r.getLong(3)));
            }
        } catch (SQLException e) {
            throw new LridException(
                    "cannot read the dataset in "
                            + dir
                            + ": "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
        return out;
    }

    /**
     * The dataset's condition with this fraction and sigma: the one with {@code seed} when given,
     * else the only one.
     *
     * @throws LridException when the dataset has no such condition, or several seeds and none was
     *     given
     */
    public static Condition resolve(Path dir, double fraction, double sigma, Long seed) {
        List<Condition> all = of(dir);
        List<Condition> matching =
                all.stream()
                        .filter(
                                c ->
                                        c.fraction == fraction
                                                && c.sigma == sigma
                                                && (seed == null || c.seed == seed))
                        .toList();
        String asked =
                "fraction "
                        + fraction
                        + ", sigma "
                        + sigma
                        + (seed == null ? "" : ", seed " + seed);
        if (matching.isEmpty()) {
            throw new LridException(
                    "the dataset in "
                            + dir
                            + " has no recording condition ("
                            + asked
                            + "); it has: "
                            + String.join(
                                    "; ", all.stream().map(c -> "(" + c.label() + ")").toList()));
        }
        if (matching.size() > 1) {
            throw new LridException(
                    "the dataset in "
                            + dir
                            + " has "
                            + matching.size()
                            + " conditions with "
                            + asked
                            + " (seeds "
                            + String.join(
                                    ", ",
                                    matching.stream().map(c -> String.valueOf(c.seed)).toList())
                            + "); choose one with --condition-seed");
        }
        return matching.get(0);
    }

    private static String literal(double v) {
        return "CAST('" + v + "' AS DOUBLE)";
    }
}
