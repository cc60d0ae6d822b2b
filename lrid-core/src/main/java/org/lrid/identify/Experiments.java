package org.lrid.identify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.lrid.LridException;
import org.lrid.observe.Observables;
import org.lrid.store.Condition;

/**
 * The experiments of science.md section 5, each a list of cells: one classifier on one selection of
 * examples and features, scored over the protocol's splits.
 */
public final class Experiments {

    public static final List<String> NAMES =
            List.of("separability", "generalize", "subsample", "noise", "importance", "all");
    public static final int[] SUBSAMPLE_POINTS = {3, 5, 7, 11};

    /** Share of each class's examples (or clusters) in training. */
    public static final double TRAIN_FRACTION = 0.75;

    /** A scored cell and what distinguishes it from the other cells of its experiment. */
    public record Result(
            String experiment,
            Map<String, Object> labels,
            Evaluation.Cell cell,
            Map<String, double[]> importances) {}

    /**
     * @param observableClasses observable classes or explicit names, one cell each ("all" =
     *     admissible)
     * @param split groups (by network), twins (networks sharing an initialisation together) or rows
     */
    public record Settings(
            Path dir,
            List<String> classifiers,
            List<String> observableClasses,
            Map<String, String> filters,
            boolean includeDiverged,
            String split,
            int splits,
            boolean quick,
            long seed,
            String rulePair,
            List<String> holdouts,
            String transform,
            Path testData) {

        /** No outside test set. */
        public Settings(
                Path dir,
                List<String> classifiers,
                List<String> observableClasses,
                Map<String, String> filters,
                boolean includeDiverged,
                String split,
                int splits,
                boolean quick,
                long seed,
                String rulePair,
                List<String> holdouts,
                String transform) {
            this(
                    dir,
                    classifiers,
                    observableClasses,
                    filters,
                    includeDiverged,
                    split,
                    splits,
                    quick,
                    seed,
                    rulePair,
                    holdouts,
                    transform,
                    null);
        }

        /**
         * No held-out selection (generalize holds out each architecture, then each task) and raw
         * features.
         */
        public Settings(
                Path dir,
                List<String> classifiers,
                List<String> observableClasses,
                Map<String, String> filters,
                boolean includeDiverged,
                String split,
                int splits,
                boolean quick,
                long seed,
                String rulePair) {
            this(
                    dir,
                    classifiers,
                    observableClasses,
                    filters,
                    includeDiverged,
                    split,
                    splits,
                    quick,
                    seed,
                    rulePair,
                    List.of(),
                    Transform.RAW.label());
        }
    }

    /**
     * The experiment of {@code --test-data}: train on the dataset, test on every network of another
     * dataset or long-format file. Not part of "all".
     */
    public static final String TRANSFER = "transfer";

    /**
     * Refuses, before any work, every name in the settings that cannot run: one line saying what
     * and how.
     */
    public static void check(Settings s, String experiment) {
        if (experiment.equals(TRANSFER) != (s.testData() != null)) {
            throw new LridException(
                    s.testData() == null
                            ? "the transfer experiment tests on another dataset: give it with --test-data OTHER"
                            : "--test-data runs the transfer experiment; leave out --experiment "
                                    + experiment);
        }
        if (s.testData() != null) {
            TestData.check(s.dir(), s.testData());
        }
        if (!NAMES.contains(experiment) && !experiment.equals(TRANSFER)) {
            throw new LridException(
                    "unknown experiment '"
                            + experiment
                            + "'; available: "
                            + String.join(", ", NAMES));
        }
        if (!List.of("groups", "twins", "rows").contains(s.split())) {
            throw new LridException(
                    "--split must be groups, twins or rows, got '" + s.split() + "'");
        }
        if (s.splits() < 1) {
            throw new LridException("--splits must be at least 1, got " + s.splits());
        }
        s.classifiers().forEach(Grids::check);
        for (String o : s.observableClasses()) {
            Observables.select(o.equals("all") ? "admissible" : o);
        }
        for (String column : s.filters().keySet()) {
            if (!FeatureTable.FILTERABLE.contains(column)) {
                throw new LridException(
                        "cannot filter on '"
                                + column
                                + "'; filterable columns: "
                                + String.join(
                                        ", ", new java.util.TreeSet<>(FeatureTable.FILTERABLE)));
            }
        }
        if (s.rulePair().split(",").length != 2) {
            throw new LridException(
                    "--rules takes two rules separated by a comma, got '" + s.rulePair() + "'");
        }
        s.holdouts().forEach(HoldOut::parse);
        if (!s.holdouts().isEmpty() && !List.of("generalize", "all").contains(experiment)) {
            throw new LridException(
                    "--holdout selects what generalize tests on; the "
                            + experiment
                            + " experiment would ignore it: give --experiment generalize, or leave"
                            + " out --holdout");
        }
        Transform.parse(s.transform());
    }

    /**
     * The demo's protocol: forest and SVM, quick grids, four observable classes, 5 twin splits
     * (half the paper's ten, so that the whole demo stays under ten minutes on two cores).
     */
    public static Settings demo(Path data) {
        return new Settings(
                data,
                List.of("rf", "svm"),
                List.of("weight", "act", "gradavg", "all"),
                Map.of(),
                false,
                "twins",
                5,
                true,
                0,
                "ia,fa");
    }

    /** The demo's experiments, in order. */
    public static final List<String> DEMO_EXPERIMENTS =
            List.of("separability", "subsample", "noise", "importance", "generalize");

    /** Told after every cell: cells done of the planned total, and the cell. */
    @FunctionalInterface
    public interface Listener {
        void cellDone(int done, int total, Result result);
    }

    /** A cell to compute: its experiment, labels and the work. */
    private record Planned(String experiment, java.util.function.Supplier<Result> work) {}

    private final Settings s;
    private final Consumer<String> log;

    public Experiments(Settings settings, Consumer<String> log) {
        this.s = settings;
        this.log = log;
    }

    /** The cells of some experiments, planned (every feature table read) and not yet fitted. */
    public static final class Plan {
        private final List<Planned> cells;

        private Plan(List<Planned> cells) {
            this.cells = cells;
        }

        /** Cells to fit. */
        public int size() {
            return cells.size();
        }
    }

    /**
     * Plans every cell of the experiments: reads every feature table, so that a bad selection is
     * refused before any fit (and before a progress bar knows its length).
     */
    public Plan plan(List<String> experiments) {
        List<Planned> cells = new ArrayList<>();
        for (String e : experiments) {
            cells.addAll(plan(e));
        }
        return new Plan(cells);
    }

    /** Fits the planned cells in order, telling {@code listener} (may be null) after each. */
    public List<Result> run(Plan plan, Listener listener) {
        List<Result> out = new ArrayList<>();
        for (Planned p : plan.cells) {
            out.add(p.work().get());
            if (listener != null) {
                listener.cellDone(out.size(), plan.size(), out.get(out.size() - 1));
            }
        }
        return out;
    }

    private List<Planned> plan(String experiment) {
        return switch (experiment) {
            case "separability" -> separability();
            case "generalize" -> generalize();
            case "subsample" -> subsample();
            case "noise" -> noise();
            case "importance" -> importance();
            case TRANSFER -> transfer();
            case "all" -> {
                List<Planned> all = new ArrayList<>();
                for (String e : NAMES.subList(0, NAMES.size() - 1)) {
                    all.addAll(plan(e));
                }
                yield all;
            }
            default ->
                    throw new LridException(
                            "unknown experiment '"
                                    + experiment
                                    + "'; available: "
                                    + String.join(", ", NAMES));
        };
    }

    /**
     * Tables already read: every experiment of 'all' needs the same ones, and reading them is the
     * slow part.
     */
    private final Map<String, FeatureTable> tables = new java.util.HashMap<>();

    private FeatureTable table(
            String observableClass, Map<String, String> filters, Condition condition) {
        List<String> names =
                Observables.select(observableClass.equals("all") ? "admissible" : observableClass);
        FeatureTable t =
                tables.computeIfAbsent(
                        names + "|" + new java.util.TreeMap<>(filters) + "|" + condition,
                        k ->
                                Transform.parse(s.transform())
                                        .apply(
                                                FeatureTable.load(
                                                        s.dir(),
                                                        names,
                                                        filters,
                                                        s.includeDiverged(),
                                                        condition)));
        if (t.classes().size() < 2) {
            throw new LridException(
                    "the selection holds one rule ("
                            + t.classes().get(0)
                            + "): nothing to tell apart");
        }
        return t;
    }

    /** The outer splits of a table and the clusters they keep whole (null for rows). */
    private record Protocol(List<Splits.Split> splits, String[] clusters) {}

    private Protocol protocol(FeatureTable t) {
        return switch (s.split()) {
            case "rows" ->
                    new Protocol(Splits.byRows(s.splits(), TRAIN_FRACTION, t.y(), s.seed()), null);
            default ->
                    new Protocol(
                            Splits.byCluster(
                                    s.splits(), TRAIN_FRACTION, clusters(t), t.y(), s.seed()),
                            clusters(t));
        };
    }

    /**
     * The clusters the protocol keeps whole, for a split made otherwise (held-out architecture or
     * task).
     */
    private String[] clusters(FeatureTable t) {
        return clusters(s.split(), t);
    }

    /** What a split of kind twins, groups or rows keeps whole in a table (null: single rows). */
    static String[] clusters(String split, FeatureTable t) {
        return switch (split) {
            case "rows" -> null;
            case "groups" -> t.groups();
            default -> t.twins();
        };
    }

    private Planned cell(
            String experiment,
            Map<String, Object> labels,
            FeatureTable t,
            String classifier,
            String observableClass,
            Protocol p) {
        return new Planned(
                experiment,
                () -> {
                    Evaluation.Cell c =
                            Evaluation.run(
                                    t,
                                    classifier,
                                    observableClass,
                                    s.quick(),
                                    p.splits(),
                                    p.clusters(),
                                    s.seed());
                    log.accept(
                            experiment.equals(TRANSFER)
                                    ? String.format(
                                            "%-12s %-6s %-8s layers %.3f +- %.3f, networks %.3f"
                                                    + " +- %.3f of %s test networks (chance %.3f);"
                                                    + " Brier %.3f, calibrated %.3f",
                                            experiment,
                                            classifier,
                                            observableClass,
                                            c.accuracyMean(),
                                            c.accuracySem(),
                                            c.networkAccuracyMean(),
                                            c.networkAccuracySem(),
                                            labels.get("test_networks"),
                                            c.chance(),
                                            c.brierMean(),
                                            c.brierCalibratedMean())
                                    : String.format(
                                            "%-12s %-6s %-8s %-28s accuracy %.3f +- %.3f (chance"
                                                    + " %.3f)",
                                            experiment,
                                            classifier,
                                            observableClass,
                                            labels.toString(),
                                            c.accuracyMean(),
                                            c.accuracySem(),
                                            c.chance()));
                    return new Result(experiment, labels, c, Map.of());
                });
    }

    /**
     * Every observable class's table, read before any cell is planned: a bad name stops everything
     * first.
     */
    private List<FeatureTable> tables(Map<String, String> filters, Condition condition) {
        for (String obs : s.observableClasses()) {
            Observables.select(obs.equals("all") ? "admissible" : obs);
        }
        List<FeatureTable> out = new ArrayList<>();
        for (String obs : s.observableClasses()) {
            out.add(table(obs, filters, condition));
        }
        return out;
    }

    private List<Planned> separability() {
        List<Planned> out = new ArrayList<>();
        List<FeatureTable> tables = tables(s.filters(), Condition.FULL);
        for (int i = 0; i < tables.size(); i++) {
            FeatureTable t = tables.get(i);
            Protocol p = protocol(t);
            for (String c : s.classifiers()) {
                out.add(cell("separability", Map.of(), t, c, s.observableClasses().get(i), p));
            }
        }
        return out;
    }

    /**
     * Train on networks outside a held-out selection, test on networks inside it ({@link HoldOut}),
     * over repeated class-balanced splits ({@link Splits#heldOut}); without {@code --holdout}, each
     * architecture and then each task in turn.
     */
    private List<Planned> generalize() {
        List<Planned> out = new ArrayList<>();
        List<FeatureTable> tables = tables(s.filters(), Condition.FULL);
        List<HoldOut> holdouts = s.holdouts().stream().map(HoldOut::parse).toList();
        if (holdouts.isEmpty()) {
            FeatureTable t = tables.get(0);
            List<HoldOut> each = new ArrayList<>();
            for (String axis : List.of("arch", "task")) {
                List<String> distinct =
                        Arrays.stream(axis.equals("arch") ? t.arch() : t.task())
                                .distinct()
                                .sorted()
                                .toList();
                if (distinct.size() < 2) {
                    log.accept(
                            "generalize: the selection has one "
                                    + axis
                                    + " ("
                                    + distinct.get(0)
                                    + "): skipped");
                    continue;
                }
                distinct.forEach(v -> each.add(HoldOut.parse(axis + "=" + v)));
            }
            holdouts = each;
        }
        for (HoldOut h : holdouts) {
            for (int o = 0; o < tables.size(); o++) {
                FeatureTable t = tables.get(o);
                Map<String, String> rules = new LinkedHashMap<>();
                for (int i = 0; i < t.groups().length; i++) {
                    rules.put(t.groups()[i], t.classes().get(t.y()[i]));
                }
                java.util.Set<String> held = h.heldOutRuns(s.dir(), rules);
                boolean[] test = new boolean[t.groups().length];
                for (int i = 0; i < test.length; i++) {
                    test[i] = held.contains(t.groups()[i]);
                }
                Protocol p =
                        new Protocol(
                                Splits.heldOut(
                                        s.splits(),
                                        TRAIN_FRACTION,
                                        t.y(),
                                        t.groups(),
                                        test,
                                        s.seed()),
                                clusters(t));
                for (String c : s.classifiers()) {
                    Map<String, Object> labels = new LinkedHashMap<>();
                    labels.put(h.label(), h.labelValue());
                    labels.put("held_out_networks", held.size());
                    out.add(cell("generalize", labels, t, c, s.observableClasses().get(o), p));
                }
            }
        }
        return out;
    }

    /**
     * Train on the dataset, test on every network of {@code --test-data}: each of the {@code
     * --splits} repetitions trains (hyperparameters by cross-validation, then the calibration) on a
     * class-balanced {@value #TRAIN_FRACTION} share of the dataset drawn as separability's training
     * side (twins kept whole) and tests on all of the other data ({@link TestData}).
     */
    private List<Planned> transfer() {
        List<Planned> out = new ArrayList<>();
        List<FeatureTable> tables = tables(s.filters(), Condition.FULL);
        for (int o = 0; o < tables.size(); o++) {
            FeatureTable train = tables.get(o);
            TestData test =
                    TestData.read(
                            s.testData(),
                            train,
                            s.filters(),
                            s.includeDiverged(),
                            Transform.parse(s.transform()));
            if (o == 0 && !test.unseen().isEmpty()) {
                log.accept(
                        "note: "
                                + s.testData()
                                + " has networks of rules "
                                + s.dir()
                                + " does not hold ("
                                + test.unseenSummary()
                                + "); a classifier cannot name them, so they are left out of the scores");
            }
            FeatureTable both = test.appendedTo(train);
            int[] testRows =
                    java.util.stream.IntStream.range(train.x().length, both.x().length).toArray();
            List<Splits.Split> splits = new ArrayList<>();
            for (Splits.Split sp : protocol(train).splits()) {
                splits.add(new Splits.Split(sp.train(), testRows));
            }
            Protocol p = new Protocol(splits, clusters(both));
            for (String c : s.classifiers()) {
                Map<String, Object> labels = new LinkedHashMap<>();
                labels.put("test_data", s.testData().toAbsolutePath().toString());
                labels.put("test_networks", test.networks());
                if (!test.unseen().isEmpty()) {
                    labels.put("unseen_rules", test.unseenSummary());
                }
                out.add(cell(TRANSFER, labels, both, c, s.observableClasses().get(o), p));
            }
        }
        return out;
    }

    /** k points spaced by every feasible period, from a random start per example. */
    private List<Planned> subsample() {
        List<Planned> out = new ArrayList<>();
        List<FeatureTable> tables = tables(s.filters(), Condition.FULL);
        for (int o = 0; o < tables.size(); o++) {
            FeatureTable full = tables.get(o);
            for (int k : SUBSAMPLE_POINTS) {
                for (int period = 1; (k - 1) * period <= full.checkpoints() - 1; period++) {
                    FeatureTable t = full.subsample(k, period, s.seed() * 31 + k * 101L + period);
                    Protocol p = protocol(t);
                    for (String c : s.classifiers()) {
                        Map<String, Object> labels = new LinkedHashMap<>();
                        labels.put("points", k);
                        labels.put("period", period);
                        out.add(cell("subsample", labels, t, c, s.observableClasses().get(o), p));
                    }
                }
            }
        }
        return out;
    }

    /**
     * A pair of rules (default ia vs fa, chance 50%) under every recording condition of the
     * dataset.
     */
    private List<Planned> noise() {
        List<Planned> out = new ArrayList<>();
        Map<String, String> filters = new LinkedHashMap<>(s.filters());
        filters.put("rule", s.rulePair());
        for (Condition condition : FeatureTable.conditions(s.dir())) {
            List<FeatureTable> tables = tables(filters, condition);
            for (int o = 0; o < tables.size(); o++) {
                FeatureTable t = tables.get(o);
                Protocol p = protocol(t);
                for (String c : s.classifiers()) {
                    Map<String, Object> labels = new LinkedHashMap<>();
                    labels.put(Condition.FRACTION, condition.fraction());
                    labels.put(Condition.SIGMA, condition.sigma());
                    labels.put(Condition.SEED, condition.seed());
                    labels.put("rules", s.rulePair());
                    out.add(cell("noise", labels, t, c, s.observableClasses().get(o), p));
                }
            }
        }
        return out;
    }

    /**
     * Which statistics matter: the forest's impurity importances and permutation importances
     * (accuracy lost when one observable's whole trajectory is shuffled across test examples), each
     * summed over checkpoints and averaged over splits.
     */
    private List<Planned> importance() {
        List<Planned> out = new ArrayList<>();
        List<FeatureTable> tables = tables(s.filters(), Condition.FULL);
        for (int o = 0; o < tables.size(); o++) {
            FeatureTable t = tables.get(o);
            String obs = s.observableClasses().get(o);
            out.add(new Planned("importance", () -> importance(t, obs)));
        }
        return out;
    }

    private Result importance(FeatureTable t, String obs) {
        FeatureLayout layout = t.layout();
        int nObs = t.observables().size();
        int cps = t.checkpoints();
        double[] impurity = new double[nObs];
        double[] permutation = new double[nObs];
        Protocol p = protocol(t);
        List<Splits.Split> sp = p.splits();
        for (int split = 0; split < sp.size(); split++) {
            Splits.Split one = sp.get(split);
            Standardizer z = Standardizer.fit(t.x(), one.train());
            RandomForest rf =
                    new RandomForest(
                            s.quick() ? 100 : 500, RandomForest.MaxFeatures.SQRT, s.seed() + split);
            rf.fit(z.apply(t.x(), one.train()), t.labelsOf(one.train()), t.classes().size());
            double[] imp = rf.importances();
            for (int o = 0; o < nObs; o++) {
                for (int c = 0; c < cps; c++) {
                    impurity[o] += imp[layout.column(o, c)] / sp.size();
                }
            }
            double[][] test = z.apply(t.x(), one.test());
            int[] truth = t.labelsOf(one.test());
            double base = accuracy(rf.predict(test), truth);
            SplittableRandom r = new SplittableRandom(s.seed() + 7L * split);
            for (int o = 0; o < nObs; o++) {
                double[][] shuffled = new double[test.length][];
                for (int i = 0; i < test.length; i++) {
                    shuffled[i] = test[i].clone();
                }
                int[] perm = java.util.stream.IntStream.range(0, test.length).toArray();
                for (int i = perm.length - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int tmp = perm[i];
                    perm[i] = perm[j];
                    perm[j] = tmp;
                }
                for (int i = 0; i < test.length; i++) {
                    System.arraycopy(
                            test[perm[i]],
                            layout.column(o, 0),
                            shuffled[i],
                            layout.column(o, 0),
                            cps);
                }
                permutation[o] += (base - accuracy(rf.predict(shuffled), truth)) / sp.size();
            }
        }
        Map<String, double[]> importances = new LinkedHashMap<>();
        for (int o = 0; o < nObs; o++) {
            importances.put(t.observables().get(o), new double[] {impurity[o], permutation[o]});
        }
        Evaluation.Cell c = Evaluation.run(t, "rf", obs, true, sp, p.clusters(), s.seed());
        log.accept(
                String.format(
                        "%-12s rf     %-8s top statistic by permutation: %s",
                        "importance",
                        obs,
                        importances.entrySet().stream()
                                .max((a, b) -> Double.compare(a.getValue()[1], b.getValue()[1]))
                                .map(Map.Entry::getKey)
                                .orElse("-")));
        return new Result("importance", Map.of(), c, importances);
    }

    private static double accuracy(int[] predicted, int[] truth) {
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == truth[i]) {
                correct++;
            }
        }
        return (double) correct / truth.length;
    }
}
