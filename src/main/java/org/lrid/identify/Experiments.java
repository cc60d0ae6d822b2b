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

    public static final List<String> NAMES = List.of("separability", "generalize", "subsample", "noise", "importance",
            "all");
    public static final int[] SUBSAMPLE_POINTS = {3, 5, 7, 11};

    /** A scored cell and what distinguishes it from the other cells of its experiment. */
    public record Result(String experiment, Map<String, Object> labels, Evaluation.Cell cell,
            Map<String, double[]> importances) {}

    /**
     * @param observableClasses observable classes or explicit names, one cell each ("all" = admissible)
     * @param split groups (by network), twins (networks sharing an initialisation together) or rows
     */
    public record Settings(Path dir, List<String> classifiers, List<String> observableClasses,
            Map<String, String> filters, boolean includeDiverged, String split, int splits, boolean quick, long seed,
            String rulePair) {}

    private final Settings s;
    private final Consumer<String> log;

    public Experiments(Settings settings, Consumer<String> log) {
        this.s = settings;
        this.log = log;
    }

    public List<Result> run(String experiment) {
        return switch (experiment) {
            case "separability" -> separability();
            case "generalize" -> generalize();
            case "subsample" -> subsample();
            case "noise" -> noise();
            case "importance" -> importance();
            case "all" -> {
                List<Result> all = new ArrayList<>();
                for (String e : NAMES.subList(0, NAMES.size() - 1)) {
                    all.addAll(run(e));
                }
                yield all;
            }
            default -> throw new LridException("unknown experiment '" + experiment + "'; available: "
                    + String.join(", ", NAMES));
        };
    }

    /** Tables already read: every experiment of 'all' needs the same ones, and reading them is the slow part. */
    private final Map<String, FeatureTable> tables = new java.util.HashMap<>();

    private FeatureTable table(String observableClass, Map<String, String> filters, Condition condition) {
        List<String> names = Observables.select(observableClass.equals("all") ? "admissible" : observableClass);
        FeatureTable t = tables.computeIfAbsent(names + "|" + new java.util.TreeMap<>(filters) + "|" + condition,
                k -> FeatureTable.load(s.dir(), names, filters, s.includeDiverged(), condition));
        if (t.classes().size() < 2) {
            throw new LridException("the selection holds one rule (" + t.classes().get(0) + "): nothing to tell apart");
        }
        return t;
    }

    private List<Splits.Split> splits(FeatureTable t) {
        return switch (s.split()) {
            case "twins" -> hasTwins(t) ? Splits.byCluster(s.splits(), 0.75, t.twins(), s.seed())
                    : Splits.make(s.splits(), 0.75, t.groups(), t.y(), s.seed());
            case "rows" -> Splits.make(s.splits(), 0.75, null, t.y(), s.seed());
            default -> Splits.make(s.splits(), 0.75, t.groups(), t.y(), s.seed());
        };
    }

    /** True when some initialisation is shared by networks of different rules. */
    private static boolean hasTwins(FeatureTable t) {
        Map<String, Integer> classOf = new java.util.HashMap<>();
        for (int i = 0; i < t.y().length; i++) {
            Integer previous = classOf.putIfAbsent(t.twins()[i], t.y()[i]);
            if (previous != null && previous != t.y()[i]) {
                return true;
            }
        }
        return false;
    }

    private Result cell(String experiment, Map<String, Object> labels, FeatureTable t, String classifier,
            String observableClass, List<Splits.Split> splits) {
        Evaluation.Cell c = Evaluation.run(t, classifier, observableClass, Grids.of(classifier, s.quick(), s.seed(), t.checkpoints()),
                splits, s.seed());
        log.accept(String.format("%-12s %-4s %-8s %-28s accuracy %.3f +- %.3f (chance %.3f)", experiment, classifier,
                observableClass, labels.toString(), c.accuracyMean(), c.accuracySem(), c.chance()));
        return new Result(experiment, labels, c, Map.of());
    }

    private List<Result> separability() {
        List<Result> out = new ArrayList<>();
        for (String obs : s.observableClasses()) {
            FeatureTable t = table(obs, s.filters(), Condition.FULL);
            List<Splits.Split> sp = splits(t);
            for (String c : s.classifiers()) {
                out.add(cell("separability", Map.of(), t, c, obs, sp));
            }
        }
        return out;
    }

    /** Train on every architecture (task) but one, test on that one, each in turn. */
    private List<Result> generalize() {
        List<Result> out = new ArrayList<>();
        for (String axis : List.of("arch", "task")) {
            for (String obs : s.observableClasses()) {
                FeatureTable t = table(obs, s.filters(), Condition.FULL);
                String[] values = axis.equals("arch") ? t.arch() : t.task();
                List<String> distinct = Arrays.stream(values).distinct().sorted().toList();
                if (distinct.size() < 2) {
                    log.accept("generalize: the selection has one " + axis + " (" + distinct.get(0) + "): skipped");
                    break;
                }
                for (String heldOut : distinct) {
                    int[] train = java.util.stream.IntStream.range(0, values.length)
                            .filter(i -> !values[i].equals(heldOut)).toArray();
                    int[] test = java.util.stream.IntStream.range(0, values.length)
                            .filter(i -> values[i].equals(heldOut)).toArray();
                    List<Splits.Split> one = List.of(new Splits.Split(train, test));
                    for (String c : s.classifiers()) {
                        Map<String, Object> labels = new LinkedHashMap<>();
                        labels.put("held_out_" + axis, heldOut);
                        out.add(cell("generalize", labels, t, c, obs, one));
                    }
                }
            }
        }
        return out;
    }

    /** k points spaced by every feasible period, from a random start per example. */
    private List<Result> subsample() {
        List<Result> out = new ArrayList<>();
        for (String obs : s.observableClasses()) {
            FeatureTable full = table(obs, s.filters(), Condition.FULL);
            for (int k : SUBSAMPLE_POINTS) {
                for (int period = 1; (k - 1) * period <= full.checkpoints() - 1; period++) {
                    FeatureTable t = full.subsample(k, period, s.seed() * 31 + k * 101L + period);
                    List<Splits.Split> sp = splits(t);
                    for (String c : s.classifiers()) {
                        Map<String, Object> labels = new LinkedHashMap<>();
                        labels.put("points", k);
                        labels.put("period", period);
                        out.add(cell("subsample", labels, t, c, obs, sp));
                    }
                }
            }
        }
        return out;
    }

    /** A pair of rules (default ia vs fa, chance 50%) under every recording condition of the dataset. */
    private List<Result> noise() {
        List<Result> out = new ArrayList<>();
        Map<String, String> filters = new LinkedHashMap<>(s.filters());
        filters.put("rule", s.rulePair());
        for (Condition condition : FeatureTable.conditions(s.dir())) {
            for (String obs : s.observableClasses()) {
                FeatureTable t = table(obs, filters, condition);
                List<Splits.Split> sp = splits(t);
                for (String c : s.classifiers()) {
                    Map<String, Object> labels = new LinkedHashMap<>();
                    labels.put(Condition.FRACTION, condition.fraction());
                    labels.put(Condition.SIGMA, condition.sigma());
                    labels.put(Condition.SEED, condition.seed());
                    labels.put("rules", s.rulePair());
                    out.add(cell("noise", labels, t, c, obs, sp));
                }
            }
        }
        return out;
    }

    /**
     * Which statistics matter: the forest's impurity importances and permutation importances (accuracy
     * lost when one observable's whole trajectory is shuffled across test examples), each summed over
     * checkpoints and averaged over splits.
     */
    private List<Result> importance() {
        List<Result> out = new ArrayList<>();
        for (String obs : s.observableClasses()) {
            FeatureTable t = table(obs, s.filters(), Condition.FULL);
            int nObs = t.observables().size();
            int cps = t.checkpoints();
            double[] impurity = new double[nObs];
            double[] permutation = new double[nObs];
            List<Splits.Split> sp = splits(t);
            for (int split = 0; split < sp.size(); split++) {
                Splits.Split one = sp.get(split);
                Standardizer z = Standardizer.fit(t.x(), one.train());
                RandomForest rf = new RandomForest(s.quick() ? 100 : 500, RandomForest.MaxFeatures.SQRT, s.seed() + split);
                rf.fit(z.apply(t.x(), one.train()), t.labelsOf(one.train()), t.classes().size());
                double[] imp = rf.importances();
                for (int o = 0; o < nObs; o++) {
                    for (int c = 0; c < cps; c++) {
                        impurity[o] += imp[o * cps + c] / sp.size();
                    }
                }
                double[][] test = z.apply(t.x(), one.test());
                int[] truth = t.labelsOf(one.test());
                double base = accuracy(rf.predict(test), truth);
                SplittableRandom r = new SplittableRandom(s.seed() + 7 * split);
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
                        System.arraycopy(test[perm[i]], o * cps, shuffled[i], o * cps, cps);
                    }
                    permutation[o] += (base - accuracy(rf.predict(shuffled), truth)) / sp.size();
                }
            }
            Map<String, double[]> importances = new LinkedHashMap<>();
            for (int o = 0; o < nObs; o++) {
                importances.put(t.observables().get(o), new double[] {impurity[o], permutation[o]});
            }
            Evaluation.Cell c = Evaluation.run(t, "rf", obs, Grids.of("rf", true, s.seed(), t.checkpoints()), sp, s.seed());
            log.accept(String.format("%-12s rf   %-8s top statistic by permutation: %s", "importance", obs,
                    importances.entrySet().stream().max((a, b) -> Double.compare(a.getValue()[1], b.getValue()[1]))
                            .map(Map.Entry::getKey).orElse("-")));
            out.add(new Result("importance", Map.of(), c, importances));
        }
        return out;
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
