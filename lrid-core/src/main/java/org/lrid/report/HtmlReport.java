package org.lrid.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.lrid.LridException;
import org.lrid.store.Condition;
import org.lrid.store.DatasetSchema;

/**
 * One self-contained HTML file from an identification results file and the dataset it names: the
 * experiment's design, learning curves, observable trajectories, classifier accuracies, confusion
 * matrices, the subsampling grid, robustness to recording conditions, statistic importances, a
 * plain reading of each, and the provenance.
 */
public final class HtmlReport {

    private final JsonNode results;
    private final Path dataset;
    private final StringBuilder html = new StringBuilder();
    private int charts;

    private HtmlReport(JsonNode results) {
        this.results = results;
        this.dataset = Path.of(results.get("dataset").asText());
    }

    /**
     * @return the number of charts written
     */
    public static int write(Path resultsFile, Path out, String command) {
        JsonNode results = read(resultsFile);
        HtmlReport r = new HtmlReport(results);
        r.build(resultsFile, command);
        org.lrid.AtomicFiles.writeString(out, "report", r.html.toString());
        return r.charts;
    }

    static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LridException(
                    "no results file at "
                            + file
                            + "; make one with 'lrid identify DIR --out "
                            + file
                            + "'");
        }
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new LridException(
                    file + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.has("cells") || !n.has("experiment") || !n.has("dataset")) {
            throw new LridException(
                    file
                            + " is not an lrid results file (it lacks experiment, dataset or cells);"
                            + " make one with 'lrid identify'");
        }
        return n;
    }

    private List<JsonNode> cells(String experiment) {
        List<JsonNode> out = new ArrayList<>();
        results.get("cells")
                .forEach(
                        c -> {
                            if (c.path("experiment").asText("separability").equals(experiment)) {
                                out.add(c);
                            }
                        });
        return out;
    }

    private void build(Path resultsFile, String command) {
        html.append(
                        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>lrid report</title><style>")
                .append(
                        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222;line-height:1.45}")
                .append("h1{font-size:1.7em}h2{margin-top:2em;border-bottom:1px solid #ccc}")
                .append(
                        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append(
                        "th{background:#f4f4f4}.reading{background:#f6f9fc;border-left:4px solid #6baed6;padding:.6em 1em}")
                .append(
                        "img{max-width:100%;display:block;margin:1em 0}code{background:#f4f4f4;padding:1px 3px}")
                .append("</style></head><body>");
        html.append("<h1>Which learning rule? A virtual experiment</h1>");
        html.append(
                "<p>Networks were trained with known learning rules and measured like a brain: aggregate statistics of"
                        + " their synaptic weights (<em>weight</em>), of their units' responses to a fixed set of probe images"
                        + " (<em>act</em>) and of the layer-wise activity change (<em>gradavg</em>), at 21 time points during"
                        + " learning. Classifiers were then trained to name the rule of networks they had never seen.</p>");
        design();
        learningCurves();
        trajectories();
        diagnostics();
        separability();
        confusion();
        recurrent();
        generalize();
        transfer();
        calibration();
        subsample();
        noise();
        importance();
        comparison();
        provenance(resultsFile, command);
        html.append("</body></html>");
    }

    private int sections;

    private void section(String title) {
        html.append("<h2 id=\"s")
                .append(++sections)
                .append("\">")
                .append(esc(title))
                .append("</h2>");
    }

    private void img(String dataUri, String alt) {
        charts++;
        html.append("<img class=\"chart\" alt=\"")
                .append(esc(alt))
                .append("\" src=\"")
                .append(dataUri)
                .append("\">");
    }

    private void reading(String text) {
        html.append("<p class=\"reading\">").append(esc(text)).append("</p>");
    }

    private boolean hasDataset() {
        try {
            DatasetSchema.requireDataset(dataset);
            return true;
        } catch (LridException e) {
            return false;
        }
    }

    private void design() {
        section("The experiment");
        if (!hasDataset()) {
            html.append("<p>The dataset ")
                    .append(esc(dataset.toString()))
                    .append(
                            " is not on this machine: design,"
                                    + " learning curves and trajectories are left out.</p>");
            return;
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            html.append(
                    "<table><tr><th>rule</th><th>architectures</th><th>tasks</th><th>runs</th><th>diverged</th>"
                            + "<th>final held-out accuracy (mean)</th></tr>");
            try (ResultSet r =
                    s.executeQuery(
                            "SELECT rule, string_agg(DISTINCT arch, ', '), string_agg(DISTINCT task, ', '),"
                                    + " count(*), count(*) FILTER (WHERE diverged), avg(test_accuracy) FROM "
                                    + DatasetSchema.runTable(dataset)
                                    + " GROUP BY rule ORDER BY rule")) {
                while (r.next()) {
                    html.append("<tr><td>")
                            .append(esc(r.getString(1)))
                            .append("</td><td>")
                            .append(esc(r.getString(2)))
                            .append("</td><td>")
                            .append(esc(r.getString(3)))
                            .append("</td><td>")
                            .append(r.getInt(4))
                            .append("</td><td>")
                            .append(r.getInt(5))
                            .append("</td><td>")
                            .append(String.format("%.3f", r.getDouble(6)))
                            .append("</td></tr>");
                }
            }
            html.append("</table>");
            try (ResultSet r =
                    s.executeQuery(
                            "SELECT count(*), sum(train_seconds), count(DISTINCT seed),"
                                    + " string_agg(DISTINCT CAST(batch_size AS VARCHAR), ', ') FROM "
                                    + DatasetSchema.runTable(dataset))) {
                r.next();
                html.append("<p>")
                        .append(r.getInt(1))
                        .append(" networks, seeds: ")
                        .append(r.getInt(3))
                        .append(", batch sizes: ")
                        .append(esc(r.getString(4)))
                        .append(", training compute: ")
                        .append(String.format("%.0f", r.getDouble(2)))
                        .append(" s (sum over networks).</p>");
            }
        } catch (SQLException e) {
            html.append("<p>The dataset could not be read: ")
                    .append(esc(e.getMessage()))
                    .append("</p>");
        }
    }

    private Map<String, double[][]> curves(String valueSql, String where) throws SQLException {
        return curves("step", valueSql, where);
    }

    /**
     * Per rule: x, the mean over networks of each network's value averaged over its layers (full
     * recording, committed runs), and one standard deviation across networks.
     *
     * @param x the column on the x axis: step or checkpoint
     */
    private Map<String, double[][]> curves(String x, String valueSql, String where)
            throws SQLException {
        Map<String, List<double[]>> points = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                // spread over runs: each run's value is first averaged over its layers
                ResultSet r =
                        s.executeQuery(
                                "SELECT rule, "
                                        + x
                                        + ", avg(v), coalesce(stddev_samp(v), 0) FROM"
                                        + " (SELECT run_id, rule, "
                                        + x
                                        + ", avg("
                                        + valueSql
                                        + ") AS v FROM "
                                        + DatasetSchema.committedTrajectories(dataset)
                                        + " t WHERE "
                                        + Condition.FULL.where("t")
                                        + where
                                        + " GROUP BY run_id, rule, "
                                        + x
                                        + ") WHERE v IS NOT NULL GROUP BY rule, "
                                        + x
                                        + " ORDER BY rule, "
                                        + x)) {
            while (r.next()) {
                points.computeIfAbsent(r.getString(1), k -> new ArrayList<>())
                        .add(new double[] {r.getDouble(2), r.getDouble(3), r.getDouble(4)});
            }
        }
        Map<String, double[][]> out = new LinkedHashMap<>();
        points.forEach(
                (rule, pts) -> {
                    double[][] v = new double[3][pts.size()];
                    for (int i = 0; i < pts.size(); i++) {
                        v[0][i] = pts.get(i)[0];
                        v[1][i] = pts.get(i)[1];
                        v[2][i] = pts.get(i)[2];
                    }
                    out.put(rule, v);
                });
        return out;
    }

    private void learningCurves() {
        if (!hasDataset()) {
            return;
        }
        section("Learning curves");
        try {
            Map<String, double[][]> curves = curves("test_accuracy", " AND layer = 0");
            img(
                    Charts.lines(
                            "Held-out accuracy during training (mean over networks)",
                            "training step",
                            "held-out accuracy",
                            curves,
                            false),
                    "learning curves");
            String best =
                    curves.entrySet().stream()
                            .max(
                                    (a, b) ->
                                            Double.compare(
                                                    last(a.getValue()[1]), last(b.getValue()[1])))
                            .map(Map.Entry::getKey)
                            .orElse("-");
            reading(
                    "Every rule learns the tasks; at the end "
                            + best
                            + " has the highest mean held-out accuracy ("
                            + String.format("%.3f", last(curves.get(best)[1]))
                            + "). Accuracies are averaged over tasks, so"
                            + " a self-supervised task with its nearest-class-mean accuracy pulls the curves down.");
        } catch (SQLException e) {
            html.append("<p>Learning curves could not be read: ")
                    .append(esc(e.getMessage()))
                    .append("</p>");
        }
    }

    private static double last(double[] v) {
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    /**
     * The most important statistic of each observable class (by permutation), else a fixed choice.
     */
    private Map<String, String> topStatistics() {
        Map<String, String> top =
                new LinkedHashMap<>(
                        Map.of(
                                "weight",
                                "weightabs_mean",
                                "act",
                                "actabs_mean",
                                "gradavg",
                                "gradavgabs_id"));
        for (JsonNode c : cells("importance")) {
            String cls = c.get("observables").asText();
            if (!top.containsKey(cls) || !c.has("importances")) {
                continue;
            }
            String best = null;
            double bestValue = Double.NEGATIVE_INFINITY;
            var it = c.get("importances").fields();
            while (it.hasNext()) {
                var e = it.next();
                double v = e.getValue().get("permutation").asDouble();
                if (v > bestValue) {
                    bestValue = v;
                    best = e.getKey();
                }
            }
            if (best != null) {
                top.put(cls, best);
            }
        }
        return top;
    }

    private void trajectories() {
        if (!hasDataset()) {
            return;
        }
        section("What the virtual electrodes saw");
        html.append(
                "<p>The most informative statistic of each observable class (by permutation importance when the"
                        + " importance experiment ran): per network the mean over its layers, then the mean over networks with"
                        + " one standard deviation across networks.</p>");
        for (Map.Entry<String, String> e : topStatistics().entrySet()) {
            try {
                String col = DatasetSchema.quote(e.getValue());
                img(
                        Charts.lines(
                                e.getValue() + " during training",
                                "training step",
                                e.getValue(),
                                curves(col, ""),
                                true),
                        "trajectory of " + e.getValue());
            } catch (SQLException ex) {
                html.append("<p>").append(esc(e.getValue())).append(" could not be read.</p>");
            }
        }
    }

    /**
     * science.md section 3, "Diagnostics": cos(W, B) and the angle between the rule's update and
     * the backprop gradient, over training, per rule, averaged over the weight layers above the
     * first (the first layer's B carries no error anywhere: its feedback is never used).
     */
    private void diagnostics() {
        if (!hasDataset()) {
            return;
        }
        section("Do the rules do what they claim?");
        html.append(
                "<p>Two quantities an experimenter cannot measure but a simulator can check, stored with every"
                        + " run and never used as features: the alignment cos(W, B) of each layer's forward and feedback"
                        + " weights (for rules with a feedback matrix B), and the angle between the update a rule gives W and"
                        + " the backprop gradient of the same batch. Per network the mean over its weight layers above the"
                        + " first, then the mean over networks with one standard deviation, at each checkpoint.</p>");
        String above = " AND layer > 0";
        try {
            Map<String, double[][]> cos =
                    curves(
                            "checkpoint",
                            DatasetSchema.quote(DatasetSchema.DIAG_FEEDBACK_COS),
                            above);
            Map<String, double[][]> angle =
                    curves(
                            "checkpoint",
                            DatasetSchema.quote(DatasetSchema.DIAG_UPDATE_ANGLE),
                            above);
            if (cos.isEmpty() && angle.isEmpty()) {
                html.append(
                        "<p>No diagnostics in this dataset (recorded before they were stored, or a network with"
                                + " one weight layer).</p>");
                return;
            }
            if (!cos.isEmpty()) {
                img(
                        Charts.lines(
                                "Alignment cos(W, B) during training",
                                "checkpoint",
                                "cos(W, B)",
                                cos,
                                true),
                        "feedback alignment during training");
            }
            if (!angle.isEmpty()) {
                img(
                        Charts.lines(
                                "Angle between the rule's update and the backprop gradient",
                                "checkpoint",
                                "angle (degrees)",
                                angle,
                                true),
                        "update angle during training");
            }
            reading(diagnosticsReading(cos, angle));
        } catch (SQLException e) {
            html.append(
                            "<p>No diagnostics in this dataset (it was recorded before they were stored): ")
                    .append(esc(e.getMessage().lines().findFirst().orElse("")))
                    .append("</p>");
        }
    }

    /** The plain-words reading of the diagnostics: where each rule ends, against what it claims. */
    static String diagnosticsReading(Map<String, double[][]> cos, Map<String, double[][]> angle) {
        StringBuilder sb = new StringBuilder();
        if (!cos.isEmpty()) {
            sb.append("At the end of training cos(W, B) is ");
            sb.append(
                    String.join(
                            ", ",
                            cos.entrySet().stream()
                                    .map(
                                            e ->
                                                    String.format(
                                                            "%.2f for %s",
                                                            last(e.getValue()[1]), e.getKey()))
                                    .toList()));
            List<String> aligned =
                    cos.entrySet().stream()
                            .filter(e -> last(e.getValue()[1]) >= 0.5)
                            .map(Map.Entry::getKey)
                            .toList();
            List<String> unaligned =
                    cos.entrySet().stream()
                            .filter(e -> last(e.getValue()[1]) < 0.2)
                            .map(Map.Entry::getKey)
                            .toList();
            sb.append(". 1 means B has become W up to scale, 0 that the two are unrelated. ");
            sb.append(
                    aligned.isEmpty()
                            ? "No rule's B aligned with W (cos >= 0.5)"
                            : "B aligned with W (cos >= 0.5) for " + String.join(", ", aligned));
            sb.append(
                    unaligned.isEmpty()
                            ? ""
                            : "; it stayed near random (cos < 0.2) for "
                                    + String.join(", ", unaligned)
                                    + ", as plain feedback alignment, whose B never changes, should");
            sb.append(
                    ". An alignment rule on the second list does not yet do what it claims at this run length. ");
        }
        if (!angle.isEmpty()) {
            sb.append("The update of W makes an angle with the backprop gradient of ");
            sb.append(
                    String.join(
                            ", ",
                            angle.entrySet().stream()
                                    .map(
                                            e ->
                                                    String.format(
                                                            "%.0f degrees for %s",
                                                            last(e.getValue()[1]), e.getKey()))
                                    .toList()));
            sb.append(
                    " at the end (0: the rule follows the gradient, as backprop does by definition; below 90: it"
                            + " still descends the loss; 90: unrelated).");
        }
        return sb.toString().trim();
    }

    private void separability() {
        List<JsonNode> cells = cells("separability");
        if (cells.isEmpty()) {
            return;
        }
        section("Can the rules be told apart?");
        List<String> classes =
                new ArrayList<>(
                        new java.util.LinkedHashSet<>(
                                cells.stream().map(c -> c.get("observables").asText()).toList()));
        Map<String, double[][]> series = new LinkedHashMap<>();
        double chance = cells.get(0).get("chance").asDouble();
        String best = "";
        double bestAcc = -1;
        for (JsonNode c : cells) {
            String clf = c.get("classifier").asText();
            double[][] v = series.computeIfAbsent(clf, k -> new double[2][classes.size()]);
            int i = classes.indexOf(c.get("observables").asText());
            v[0][i] = c.get("accuracy_mean").asDouble();
            v[1][i] = c.get("accuracy_sem").asDouble();
            if (v[0][i] > bestAcc) {
                bestAcc = v[0][i];
                best = clf + " on " + c.get("observables").asText();
            }
        }
        img(
                Charts.bars(
                        "Held-out accuracy by classifier and observable class (mean +- s.e.m.)",
                        "accuracy",
                        classes,
                        series,
                        chance),
                "accuracy per classifier and observable class");
        long above =
                cells.stream()
                        .filter(
                                c ->
                                        c.get("accuracy_mean").asDouble()
                                                        - 2 * c.get("accuracy_sem").asDouble()
                                                > chance)
                        .count();
        reading(
                above
                        + " of "
                        + cells.size()
                        + " classifier x observable cells are more than two standard errors above"
                        + " chance ("
                        + String.format("%.2f", chance)
                        + "). The best is "
                        + best
                        + " at "
                        + String.format("%.3f", bestAcc)
                        + ".");
    }

    private void confusion() {
        List<JsonNode> cells = cells("separability");
        if (cells.isEmpty() || !cells.get(0).has("classes")) {
            return;
        }
        section("Which rules get confused");
        for (JsonNode c : cells) {
            if (!c.get("observables").asText().equals("all")) {
                continue;
            }
            List<String> names = new ArrayList<>();
            c.get("classes").forEach(n -> names.add(n.asText()));
            double[][] m = new double[names.size()][names.size()];
            for (int i = 0; i < names.size(); i++) {
                for (int j = 0; j < names.size(); j++) {
                    m[i][j] = c.get("confusion_mean").get(i).get(j).asDouble();
                }
            }
            img(
                    Charts.heatmap(
                            "Confusion, "
                                    + c.get("classifier").asText()
                                    + ", all admissible observables",
                            names,
                            names,
                            m,
                            "predicted rule",
                            "true rule"),
                    "confusion matrix " + c.get("classifier").asText());
            double worst = 0;
            String pair = "";
            for (int i = 0; i < names.size(); i++) {
                for (int j = 0; j < names.size(); j++) {
                    if (i != j && m[i][j] > worst) {
                        worst = m[i][j];
                        pair = names.get(i) + " taken for " + names.get(j);
                    }
                }
            }
            reading(
                    "With "
                            + c.get("classifier").asText()
                            + ", the most common error is "
                            + pair
                            + " ("
                            + String.format("%.0f%%", 100 * worst)
                            + " of that rule's test layers).");
        }
    }

    /**
     * Recurrent circuits (README, "Recurrent circuits"), when the dataset holds rnn runs: each
     * rule's final held-out score per task with time (accuracy or R^2, mean +- sd over its
     * networks), and the confusion among the recurrent rules of the best classifier on all
     * admissible observables.
     */
    private void recurrent() {
        if (!hasDataset()) {
            return;
        }
        // task -> rule -> {mean, sd, n, diverged}; task -> score name
        Map<String, Map<String, double[]>> scores = new TreeMap<>();
        Map<String, String> scoreNames = new TreeMap<>();
        TreeSet<String> rules = new TreeSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT task, rule, any_value("
                                        + DatasetSchema.SCORE_NAME
                                        + "), avg(test_accuracy), coalesce(stddev_samp(test_accuracy), 0),"
                                        + " count(*), count(*) FILTER (WHERE diverged) FROM "
                                        + DatasetSchema.runTable(dataset)
                                        + " WHERE arch_family = 'rnn' GROUP BY task, rule")) {
            while (r.next()) {
                scores.computeIfAbsent(r.getString(1), k -> new TreeMap<>())
                        .put(
                                r.getString(2),
                                new double[] {
                                    r.getDouble(4), r.getDouble(5), r.getInt(6), r.getInt(7)
                                });
                scoreNames.put(r.getString(1), r.getString(3));
                rules.add(r.getString(2));
            }
        } catch (SQLException e) {
            return; // design() has said that the dataset could not be read
        }
        if (rules.isEmpty()) {
            return;
        }
        section("Recurrent circuits");
        html.append("<table><tr><th>rule</th>");
        scores.forEach(
                (task, v) ->
                        html.append("<th>")
                                .append(esc(task))
                                .append(" (")
                                .append(esc(String.valueOf(scoreNames.get(task))))
                                .append(")</th>"));
        html.append("</tr>");
        for (String rule : rules) {
            html.append("<tr><td>").append(esc(rule)).append("</td>");
            for (Map<String, double[]> perRule : scores.values()) {
                double[] v = perRule.get(rule);
                html.append("<td>")
                        .append(
                                v == null
                                        ? "-"
                                        : String.format(
                                                "%.3f &plusmn; %.3f (%d%s)",
                                                v[0],
                                                v[1],
                                                (int) v[2],
                                                v[3] > 0 ? ", " + (int) v[3] + " diverged" : ""))
                        .append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
        StringBuilder text =
                new StringBuilder(
                        "Final held-out score of the recurrent networks, mean +- sd over networks (count)"
                                + " per task with time; ");
        List<String> parts = new ArrayList<>();
        scores.forEach(
                (task, perRule) -> {
                    String lo = null;
                    for (Map.Entry<String, double[]> e : perRule.entrySet()) {
                        if (lo == null || e.getValue()[0] < perRule.get(lo)[0]) {
                            lo = e.getKey();
                        }
                    }
                    parts.add(
                            "on "
                                    + task
                                    + " the lowest is "
                                    + lo
                                    + String.format(" (%.3f)", perRule.get(lo)[0]));
                });
        reading(text.append(String.join(", ", parts)).append('.').toString());
        // the confusion among the recurrent rules, from the best classifier on all observables
        JsonNode best = null;
        for (JsonNode c : cells("separability")) {
            if (c.get("observables").asText().equals("all")
                    && c.has("classes")
                    && (best == null
                            || c.get("accuracy_mean").asDouble()
                                    > best.get("accuracy_mean").asDouble())) {
                best = c;
            }
        }
        if (best == null) {
            return;
        }
        List<String> names = new ArrayList<>();
        best.get("classes").forEach(n -> names.add(n.asText()));
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (rules.contains(names.get(i))) {
                keep.add(i);
            }
        }
        if (keep.size() < 2) {
            return;
        }
        List<String> kept = keep.stream().map(names::get).toList();
        double[][] m = new double[keep.size()][keep.size()];
        double worst = -1;
        String pair = "";
        for (int i = 0; i < keep.size(); i++) {
            for (int j = 0; j < keep.size(); j++) {
                m[i][j] = best.get("confusion_mean").get(keep.get(i)).get(keep.get(j)).asDouble();
                if (i != j && m[i][j] > worst) {
                    worst = m[i][j];
                    pair = kept.get(i) + " taken for " + kept.get(j);
                }
            }
        }
        img(
                Charts.heatmap(
                        "Confusion among the recurrent rules, "
                                + best.get("classifier").asText()
                                + ", all admissible observables",
                        kept,
                        kept,
                        m,
                        "predicted rule",
                        "true rule"),
                "confusion matrix of the recurrent rules");
        reading(
                "With "
                        + best.get("classifier").asText()
                        + String.format(" (accuracy %.3f)", best.get("accuracy_mean").asDouble())
                        + ", the most common error among the recurrent rules is "
                        + pair
                        + String.format(" (%.0f%%", 100 * worst)
                        + " of that rule's test layers)"
                        + (kept.size() < names.size()
                                ? "; rows leave out the recurrent layers taken for feed-forward rules."
                                : "."));
    }

    private void generalize() {
        List<JsonNode> cells = cells("generalize");
        if (cells.isEmpty()) {
            return;
        }
        section("Generalisation to unseen architectures and tasks");
        html.append(
                "<table><tr><th>held out</th><th>classifier</th><th>observables</th><th>accuracy</th><th>chance</th></tr>");
        for (JsonNode c : cells) {
            String held =
                    c.has("held_out")
                            ? c.get("held_out").asText()
                            : c.has("held_out_arch")
                                    ? "architecture " + c.get("held_out_arch").asText()
                                    : "task " + c.path("held_out_task").asText();
            html.append("<tr><td>")
                    .append(esc(held))
                    .append("</td><td>")
                    .append(esc(c.get("classifier").asText()))
                    .append("</td><td>")
                    .append(esc(c.get("observables").asText()))
                    .append("</td><td>")
                    .append(String.format("%.3f", c.get("accuracy_mean").asDouble()))
                    .append("</td><td>")
                    .append(String.format("%.2f", c.get("chance").asDouble()))
                    .append("</td></tr>");
        }
        html.append("</table>");
        double mean =
                cells.stream()
                        .mapToDouble(c -> c.get("accuracy_mean").asDouble())
                        .average()
                        .orElse(Double.NaN);
        reading(
                "Trained on the other architectures or tasks, the classifiers reach "
                        + String.format("%.3f", mean)
                        + " on average on the held-out one (chance "
                        + String.format("%.2f", cells.get(0).get("chance").asDouble())
                        + ").");
    }

    private void transfer() {
        List<JsonNode> cells = cells("transfer");
        if (cells.isEmpty()) {
            return;
        }
        section("Transfer to networks from elsewhere");
        JsonNode first = cells.get(0);
        html.append("<p>Trained on ")
                .append(esc(dataset.toString()))
                .append(", tested on every network of ")
                .append(esc(first.path("test_data").asText()))
                .append(" (")
                .append(first.path("test_networks").asInt())
                .append(" networks")
                .append(
                        first.has("unseen_rules")
                                ? "; left out, of rules the training data lacks: "
                                        + esc(first.get("unseen_rules").asText())
                                : "")
                .append(
                        "). Each repetition trains on a class-balanced 75% of the training data;"
                                + " a network's rule is the argmax of its layers' calibrated log-probabilities summed.</p>");
        html.append(
                "<table><tr><th>classifier</th><th>observables</th><th>layer accuracy</th><th>network accuracy</th>"
                        + "<th>Brier (calibrated)</th><th>chance</th></tr>");
        JsonNode best = first;
        for (JsonNode c : cells) {
            html.append("<tr><td>")
                    .append(esc(c.get("classifier").asText()))
                    .append("</td><td>")
                    .append(esc(c.get("observables").asText()))
                    .append("</td><td>")
                    .append(
                            String.format(
                                    "%.3f +- %.3f",
                                    c.get("accuracy_mean").asDouble(),
                                    c.get("accuracy_sem").asDouble()))
                    .append("</td><td>")
                    .append(
                            String.format(
                                    "%.3f +- %.3f",
                                    c.path("network_accuracy_mean").asDouble(Double.NaN),
                                    c.path("network_accuracy_sem").asDouble(Double.NaN)))
                    .append("</td><td>")
                    .append(
                            String.format(
                                    "%.3f (%.3f)",
                                    c.path("brier_mean").asDouble(Double.NaN),
                                    c.path("brier_calibrated_mean").asDouble(Double.NaN)))
                    .append("</td><td>")
                    .append(String.format("%.2f", c.get("chance").asDouble()))
                    .append("</td></tr>");
            if (c.path("network_accuracy_mean").asDouble()
                    > best.path("network_accuracy_mean").asDouble()) {
                best = c;
            }
        }
        html.append("</table>");
        List<String> names = new ArrayList<>();
        best.get("classes").forEach(n -> names.add(n.asText()));
        double[][] m = new double[names.size()][names.size()];
        for (int i = 0; i < names.size(); i++) {
            for (int j = 0; j < names.size(); j++) {
                m[i][j] = best.get("confusion_mean").get(i).get(j).asDouble(Double.NaN);
            }
        }
        img(
                Charts.heatmap(
                        "Confusion on the test data, "
                                + best.get("classifier").asText()
                                + ", "
                                + best.get("observables").asText(),
                        names,
                        names,
                        m,
                        "predicted rule",
                        "true rule"),
                "transfer confusion matrix");
        double chance = best.get("chance").asDouble();
        double acc = best.path("network_accuracy_mean").asDouble();
        reading(
                String.format(
                        "The best cell (%s on %s) names %.0f%% of the test networks and %.0f%% of their"
                                + " layers (chance %.0f%%)%s.",
                        best.get("classifier").asText(),
                        best.get("observables").asText(),
                        100 * acc,
                        100 * best.get("accuracy_mean").asDouble(),
                        100 * chance,
                        acc - 2 * best.path("network_accuracy_sem").asDouble() > chance
                                ? ", more than two standard errors above chance"
                                : ", not clearly above chance: what separates the rules in the"
                                        + " training data does not carry over to these networks"));
    }

    /**
     * Reliability curves (confidence against accuracy per bin, before and after calibration) of
     * every separability cell and of the generalize and transfer cells on all admissible
     * observables (every such cell if none is on "all").
     */
    private void calibration() {
        List<JsonNode> chosen = new ArrayList<>();
        for (String e : List.of("separability", "generalize", "transfer")) {
            List<JsonNode> cells = cells(e).stream().filter(c -> c.has("reliability")).toList();
            List<JsonNode> onAll =
                    cells.stream()
                            .filter(c -> c.path("observables").asText().equals("all"))
                            .toList();
            chosen.addAll(e.equals("separability") || onAll.isEmpty() ? cells : onAll);
        }
        if (chosen.isEmpty()) {
            return;
        }
        section("Are the probabilities honest?");
        html.append(
                "<p>Reliability curves: the test rows binned by the classifier's top probability; in each bin the"
                        + " mean top probability (confidence) against the share named correctly (accuracy). On the"
                        + " diagonal a probability means what it says; below it the classifier is over-confident."
                        + " Calibrated: after the temperature fitted on held-out folds of each training part. The"
                        + " Brier score (0 perfect, 2 worst) is given before and after.</p>");
        int overConfident = 0;
        for (JsonNode c : chosen) {
            Map<String, double[][]> curves = new LinkedHashMap<>();
            curves.put("raw", curve(c.get("reliability")));
            curves.put("calibrated", curve(c.path("reliability_calibrated")));
            String label = label(c);
            img(
                    Charts.reliability(
                            String.format(
                                    "%s, %s, %s%s: Brier %.3f -> %.3f",
                                    c.get("experiment").asText(),
                                    c.get("classifier").asText(),
                                    c.get("observables").asText(),
                                    label.isEmpty() ? "" : " (" + label + ")",
                                    c.path("brier_mean").asDouble(Double.NaN),
                                    c.path("brier_calibrated_mean").asDouble(Double.NaN)),
                            curves),
                    "reliability " + c.get("experiment").asText() + " " + label);
            if (gap(curves.get("raw")) > 0.05) {
                overConfident++;
            }
        }
        long improved =
                chosen.stream()
                        .filter(
                                c ->
                                        c.path("brier_calibrated_mean").asDouble()
                                                < c.path("brier_mean").asDouble())
                        .count();
        reading(
                overConfident
                        + " of "
                        + chosen.size()
                        + " cells are over-confident before calibration (confidence above accuracy by"
                        + " more than 0.05, weighted by rows); calibration lowers the Brier score in "
                        + improved
                        + " of "
                        + chosen.size()
                        + ".");
    }

    /** The labels that tell a cell from the others of its experiment (held-out selection). */
    private static String label(JsonNode c) {
        for (String k : List.of("held_out", "held_out_arch", "held_out_task")) {
            if (c.has(k)) {
                return "held out " + c.get(k).asText();
            }
        }
        return "";
    }

    /** {confidences, accuracies} of a stored reliability curve's non-empty bins. */
    static double[][] curve(JsonNode bins) {
        List<double[]> points = new ArrayList<>();
        bins.forEach(
                b -> {
                    if (b.path("rows").asInt() > 0 && b.get("confidence").isNumber()) {
                        points.add(
                                new double[] {
                                    b.get("confidence").asDouble(),
                                    b.get("accuracy").asDouble(),
                                    b.get("rows").asInt()
                                });
                    }
                });
        double[][] out = new double[3][points.size()];
        for (int i = 0; i < points.size(); i++) {
            for (int k = 0; k < 3; k++) {
                out[k][i] = points.get(i)[k];
            }
        }
        return out;
    }

    /** Row-weighted mean of confidence minus accuracy. */
    private static double gap(double[][] curve) {
        double sum = 0;
        double rows = 0;
        for (int i = 0; i < curve[0].length; i++) {
            sum += (curve[0][i] - curve[1][i]) * curve[2][i];
            rows += curve[2][i];
        }
        return rows > 0 ? sum / rows : 0;
    }

    private void subsample() {
        List<JsonNode> cells = cells("subsample");
        if (cells.isEmpty()) {
            return;
        }
        section("How many measurements, how far apart?");
        String clf = cells.get(0).get("classifier").asText();
        Map<String, List<JsonNode>> byClass = new LinkedHashMap<>();
        for (JsonNode c : cells) {
            if (c.get("classifier").asText().equals(clf)) {
                byClass.computeIfAbsent(c.get("observables").asText(), k -> new ArrayList<>())
                        .add(c);
            }
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, List<JsonNode>> e : byClass.entrySet()) {
            TreeSet<Integer> points = new TreeSet<>();
            TreeSet<Integer> periods = new TreeSet<>();
            e.getValue()
                    .forEach(
                            c -> {
                                points.add(c.get("points").asInt());
                                periods.add(c.get("period").asInt());
                            });
            List<Integer> ps = new ArrayList<>(points);
            List<Integer> qs = new ArrayList<>(periods);
            double[][] z = new double[ps.size()][qs.size()];
            for (double[] row : z) {
                java.util.Arrays.fill(row, Double.NaN);
            }
            for (JsonNode c : e.getValue()) {
                z[ps.indexOf(c.get("points").asInt())][qs.indexOf(c.get("period").asInt())] =
                        c.get("accuracy_mean").asDouble();
            }
            img(
                    Charts.heatmap(
                            "Accuracy (" + clf + ", " + e.getKey() + ") by points and period",
                            qs.stream().map(String::valueOf).toList(),
                            ps.stream().map(String::valueOf).toList(),
                            z,
                            "period (checkpoints between measurements)",
                            "measurements"),
                    "subsampling grid " + e.getKey());
            int k = ps.get(0);
            int bestPeriod = qs.get(0);
            for (int q = 0; q < qs.size(); q++) {
                if (!Double.isNaN(z[0][q]) && z[0][q] > z[0][qs.indexOf(bestPeriod)]) {
                    bestPeriod = qs.get(q);
                }
            }
            text.append(e.getKey())
                    .append(": with ")
                    .append(k)
                    .append(" measurements the best period is ")
                    .append(bestPeriod)
                    .append(" (")
                    .append(String.format("%.3f", z[0][qs.indexOf(bestPeriod)]))
                    .append(" vs ")
                    .append(String.format("%.3f", z[0][0]))
                    .append(" for consecutive checkpoints). ");
        }
        reading(text.toString().trim());
    }

    private void noise() {
        List<JsonNode> cells = cells("noise");
        if (cells.isEmpty()) {
            return;
        }
        section("Recording fewer units, and noisier ones");
        String clf = cells.get(0).get("classifier").asText();
        String rules = cells.get(0).path("rules").asText();
        html.append("<p>Rules ")
                .append(esc(rules))
                .append(", classifier ")
                .append(esc(clf))
                .append(", chance ")
                .append(String.format("%.2f", cells.get(0).get("chance").asDouble()))
                .append(". ");
        long conditions =
                cells.stream()
                        .map(
                                c ->
                                        c.path(Condition.FRACTION).asDouble()
                                                + "|"
                                                + c.path(Condition.SIGMA).asDouble()
                                                + "|"
                                                + c.path(Condition.SEED).asLong())
                        .distinct()
                        .count();
        html.append(conditions)
                .append(
                        " recording conditions (fraction, sigma, seed); conditions that differ only"
                                + " in their seed record other units with other noise, and are averaged at their point.</p>");
        Map<String, TreeMap<Double, Double>> byFraction = robustness(cells, true);
        Map<String, TreeMap<Double, Double>> bySigma = robustness(cells, false);
        img(
                Charts.lines(
                        "Accuracy vs fraction of units recorded",
                        "fraction of units",
                        "accuracy",
                        toSeries(byFraction),
                        false),
                "accuracy vs unit fraction");
        img(
                Charts.lines(
                        "Accuracy vs measurement noise",
                        "noise sigma",
                        "accuracy",
                        toSeries(bySigma),
                        false),
                "accuracy vs noise");
        reading(
                "Most robust to recording fewer units: "
                        + robust(byFraction, true)
                        + "; most robust to noise: "
                        + robust(bySigma, false)
                        + " (the class whose accuracy at the worst condition is highest).");
    }

    /**
     * Accuracy of the first classifier per observable class, against the unit fraction (noise-free
     * cells) or against the noise sigma (cells with every unit). Conditions that differ only in
     * their seed (other units, other noise) are different conditions: their accuracies are averaged
     * at that point.
     */
    static Map<String, TreeMap<Double, Double>> robustness(
            List<JsonNode> cells, boolean byFraction) {
        String clf = cells.get(0).get("classifier").asText();
        Map<String, TreeMap<Double, double[]>> sums = new TreeMap<>();
        for (JsonNode c : cells) {
            double f = c.get(Condition.FRACTION).asDouble();
            double sigma = c.get(Condition.SIGMA).asDouble();
            if (c.get("classifier").asText().equals(clf) && (byFraction ? sigma == 0 : f == 1)) {
                double[] sum =
                        sums.computeIfAbsent(c.get("observables").asText(), k -> new TreeMap<>())
                                .computeIfAbsent(byFraction ? f : sigma, k -> new double[2]);
                sum[0] += c.get("accuracy_mean").asDouble();
                sum[1]++;
            }
        }
        Map<String, TreeMap<Double, Double>> out = new TreeMap<>();
        sums.forEach(
                (obs, points) -> {
                    TreeMap<Double, Double> mean = new TreeMap<>();
                    points.forEach((x, sum) -> mean.put(x, sum[0] / sum[1]));
                    out.put(obs, mean);
                });
        return out;
    }

    private static Map<String, double[][]> toSeries(Map<String, TreeMap<Double, Double>> m) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        m.forEach(
                (k, v) -> {
                    double[][] s = new double[2][v.size()];
                    int i = 0;
                    for (Map.Entry<Double, Double> e : v.entrySet()) {
                        s[0][i] = e.getKey();
                        s[1][i++] = e.getValue();
                    }
                    out.put(k, s);
                });
        return out;
    }

    private static String robust(Map<String, TreeMap<Double, Double>> m, boolean lowIsWorst) {
        return m.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .max(
                        (a, b) ->
                                Double.compare(
                                        worst(a.getValue(), lowIsWorst),
                                        worst(b.getValue(), lowIsWorst)))
                .map(e -> e.getKey() + String.format(" (%.3f)", worst(e.getValue(), lowIsWorst)))
                .orElse("not measured (the dataset has one condition on this axis)");
    }

    private static double worst(TreeMap<Double, Double> v, boolean lowIsWorst) {
        return lowIsWorst ? v.firstEntry().getValue() : v.lastEntry().getValue();
    }

    private void importance() {
        List<JsonNode> cells = cells("importance");
        if (cells.isEmpty()) {
            return;
        }
        section("Which statistics matter");
        for (JsonNode c : cells) {
            if (!c.has("importances")) {
                continue;
            }
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            c.get("importances")
                    .fields()
                    .forEachRemaining(
                            e -> {
                                names.add(e.getKey());
                                values.add(e.getValue().get("permutation").asDouble());
                            });
            img(
                    Charts.simpleBars(
                            "Permutation importance, "
                                    + c.get("observables").asText()
                                    + " (accuracy lost when shuffled)",
                            "accuracy lost",
                            names,
                            values.stream().mapToDouble(Double::doubleValue).toArray()),
                    "importance " + c.get("observables").asText());
        }
        reading("The most informative statistics per class: " + topStatistics() + ".");
    }

    /** The paper's findings, each checked against these numbers and said plainly either way. */
    private void comparison() {
        List<JsonNode> sep = cells("separability");
        List<JsonNode> noise = cells("noise");
        if (sep.isEmpty() && noise.isEmpty()) {
            return;
        }
        section("Compared with the paper");
        html.append("<ul>");
        if (!sep.isEmpty()) {
            double chance = sep.get(0).get("chance").asDouble();
            List<String> below = new ArrayList<>();
            Map<String, Double> bestPerClass = new TreeMap<>();
            Map<String, String> winner = new TreeMap<>();
            for (JsonNode c : sep) {
                String cls = c.get("observables").asText();
                double acc = c.get("accuracy_mean").asDouble();
                if (acc - 2 * c.get("accuracy_sem").asDouble() <= chance) {
                    below.add(c.get("classifier").asText() + " on " + cls);
                }
                if (acc > bestPerClass.getOrDefault(cls, -1.0)) {
                    bestPerClass.put(cls, acc);
                    winner.put(cls, c.get("classifier").asText());
                }
            }
            html.append(
                            "<li>Paper: every observable class separates the rules well above chance. Here: ")
                    .append(
                            below.isEmpty()
                                    ? "yes, every cell is more than two standard errors above chance."
                                    : "not everywhere; at or near chance: "
                                            + esc(String.join(", ", below))
                                            + ".")
                    .append("</li>");
            long forestWins = winner.values().stream().filter("rf"::equals).count();
            html.append(
                            "<li>Paper: the random forest is the best classifier throughout. Here: the forest is best for ")
                    .append(forestWins)
                    .append(" of ")
                    .append(winner.size())
                    .append(" observable classes (best per class: ")
                    .append(esc(winner.toString()))
                    .append(").</li>");
        }
        if (!noise.isEmpty()) {
            Map<String, TreeMap<Double, Double>> byFraction = robustness(noise, true);
            Map<String, TreeMap<Double, Double>> bySigma = robustness(noise, false);
            html.append(
                            "<li>Paper: activations are more robust than weights to recording few units and to noise. Here (")
                    .append(esc(noise.get(0).path("rules").asText()))
                    .append(", chance ")
                    .append(String.format("%.2f", noise.get(0).get("chance").asDouble()))
                    .append("): ")
                    .append(esc(versus(byFraction, true, "fewest units", noiseChance(noise))))
                    .append("; ")
                    .append(esc(versus(bySigma, false, "most noise", noiseChance(noise))))
                    .append(".</li>");
        }
        html.append("</ul>");
    }

    private static double noiseChance(List<JsonNode> noise) {
        return noise.get(0).get("chance").asDouble();
    }

    private static String versus(
            Map<String, TreeMap<Double, Double>> m,
            boolean lowIsWorst,
            String what,
            double chance) {
        if (!m.containsKey("act") || !m.containsKey("weight") || m.get("act").size() < 2) {
            return "not measured at " + what;
        }
        double act = worst(m.get("act"), lowIsWorst);
        double weight = worst(m.get("weight"), lowIsWorst);
        double full =
                Math.max(
                        m.get("act")
                                .get(lowIsWorst ? m.get("act").lastKey() : m.get("act").firstKey()),
                        m.get("weight")
                                .get(
                                        lowIsWorst
                                                ? m.get("weight").lastKey()
                                                : m.get("weight").firstKey()));
        if (full < chance + 0.05) {
            return String.format(
                    "even the full recording is near chance (%.3f), so this pair of rules cannot test"
                            + " robustness in this dataset",
                    full);
        }
        return String.format(
                "at the %s, act %.3f vs weight %.3f, so %s",
                what,
                act,
                weight,
                act > weight
                        ? "activations hold up better, as in the paper"
                        : "activations do not hold up better");
    }

    private void provenance(Path resultsFile, String command) {
        section("Provenance");
        html.append("<table>");
        row("results file", resultsFile.toAbsolutePath().toString());
        row("dataset", dataset.toString());
        row("lrid version", results.path("lrid_version").asText());
        row("software", org.lrid.Provenance.summary());
        row("experiment", results.path("experiment").asText());
        row("protocol", results.path("protocol").toString());
        row("grids", results.path("grids").toString());
        row("filters", results.path("filters").toString());
        if (command != null) {
            row("command", command);
        }
        row("written", ZonedDateTime.now().toString());
        html.append("</table>");
    }

    private void row(String k, String v) {
        html.append("<tr><th>")
                .append(esc(k))
                .append("</th><td style=\"text-align:left\"><code>")
                .append(esc(v))
                .append("</code></td></tr>");
    }

    private static String esc(String s) {
        return s == null
                ? ""
                : s.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }
}
