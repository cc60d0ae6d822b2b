package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.lrid.Gaussian;
import org.lrid.identify.Classifier;
import org.lrid.identify.LinearSvm;
import org.lrid.identify.RandomForest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Classifier fit and predict times on a worst case for trees: pure noise features, random labels.
 */
@Command(
        name = "identify",
        mixinStandardHelpOptions = true,
        description = {
            "Time the random forest (500 trees, all cores) and the linear SVM on a 5,000 x 504 table of",
            "standard-normal features with uniformly random 4-class labels, 75/25 split (accuracy must be chance)."
        })
final class BenchIdentifyCommand implements Callable<Integer> {

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the table (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--svm-tolerance",
            description = {
                "Instead: the SVM's convergence against its stopping tolerance",
                "(sweeps, relative duality gap, held-out accuracy, fit time for C from 1 to 5e6) on a table with a weak",
                "planted signal, ROWS x 504."
            })
    boolean svmTolerance;

    @Option(
            names = "--rows",
            defaultValue = "2000",
            description = "Rows of the --svm-tolerance table (default: ${DEFAULT-VALUE}).")
    int rows;

    @Override
    public Integer call() throws Exception {
        if (svmTolerance) {
            return tolerance();
        }
        int n = 5000;
        int d = 504;
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(4);
            for (int j = 0; j < d; j++) {
                x[i][j] = Gaussian.next(r);
            }
        }
        int cut = n * 3 / 4;
        double[][] train = Arrays.copyOfRange(x, 0, cut);
        double[][] test = Arrays.copyOfRange(x, cut, n);
        int[] yTrain = Arrays.copyOfRange(y, 0, cut);
        int[] yTest = Arrays.copyOfRange(y, cut, n);

        RandomForest rf = new RandomForest(500, RandomForest.MaxFeatures.SQRT, seed);
        long t = System.nanoTime();
        rf.fit(train, yTrain, 4);
        double rfFit = (System.nanoTime() - t) / 1e9;
        t = System.nanoTime();
        double rfAccuracy = accuracy(rf, test, yTest);
        double rfPredict = (System.nanoTime() - t) / 1e9;

        LinearSvm svm = new LinearSvm(1, seed);
        t = System.nanoTime();
        svm.fit(train, yTrain, 4);
        double svmFit = (System.nanoTime() - t) / 1e9;
        double svmAccuracy = accuracy(svm, test, yTest);

        System.out.printf(
                "random forest (500 trees): fit %.2f s, predict %.2f s, accuracy %.3f%n",
                rfFit, rfPredict, rfAccuracy);
        System.out.printf(
                "linear svm (C = 1):        fit %.2f s, accuracy %.3f%n", svmFit, svmAccuracy);
        System.out.printf(
                "chance 0.25; with %d test rows the standard error of chance accuracy is %.3f%n",
                n - cut, Math.sqrt(0.25 * 0.75 / (n - cut)));
        if (json) {
            ObjectNode o = BenchOptions.describeMachine(new ObjectMapper().createObjectNode());
            o.put("rf_fit_seconds", rfFit);
            o.put("rf_predict_seconds", rfPredict);
            o.put("rf_accuracy", rfAccuracy);
            o.put("svm_fit_seconds", svmFit);
            o.put("svm_accuracy", svmAccuracy);
            o.put("cores", Runtime.getRuntime().availableProcessors());
            System.out.println(new ObjectMapper().writeValueAsString(o));
        }
        return 0;
    }

    /**
     * The SVM at each tolerance and C on a 75/25 split of a table whose class shifts 8 of 504
     * features.
     */
    private int tolerance() throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        int d = 504;
        double[][] x = new double[rows][d];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(4);
            for (int j = 0; j < d; j++) {
                x[i][j] = Gaussian.next(r);
            }
            for (int j = 0; j < 8; j++) {
                x[i][2 * y[i] + j] += 0.3;
            }
        }
        int cut = rows * 3 / 4;
        double[][] train = Arrays.copyOfRange(x, 0, cut);
        double[][] test = Arrays.copyOfRange(x, cut, rows);
        int[] yTrain = Arrays.copyOfRange(y, 0, cut);
        int[] yTest = Arrays.copyOfRange(y, cut, rows);
        ArrayNode table = new ObjectMapper().createArrayNode();
        System.out.printf(
                "%-10s %-8s %8s %14s %9s %8s%n",
                "tolerance", "C", "steps", "duality gap", "accuracy", "fit s");
        for (double tol : new double[] {1e-3, 1e-6, 1e-9, 1e-12}) {
            for (double c : new double[] {1, 5e2, 5e4, 5e6}) {
                LinearSvm svm = new LinearSvm(c, LinearSvm.MAX_ITERATIONS, tol, seed);
                long t = System.nanoTime();
                svm.fit(train, yTrain, 4);
                double seconds = (System.nanoTime() - t) / 1e9;
                int sweeps = Arrays.stream(svm.sweeps()).max().orElse(0);
                double gap = Arrays.stream(svm.dualityGaps()).max().orElse(Double.NaN);
                double acc = accuracy(svm, test, yTest);
                System.out.printf(
                        "%-10s %-8s %8d %14.2e %9.3f %8.2f%n", tol, c, sweeps, gap, acc, seconds);
                table.addObject()
                        .put("tolerance", tol)
                        .put("c", c)
                        .put("sweeps", sweeps)
                        .put("duality_gap", gap)
                        .put("accuracy", acc)
                        .put("fit_seconds", seconds);
            }
        }
        System.out.printf(
                "(%d x %d, 4 classes; Newton steps (at most %d); the gap is the largest of the 4 one-vs-rest"
                        + " problems', relative to the primal)%n",
                rows, d, LinearSvm.MAX_ITERATIONS);
        if (json) {
            ObjectNode o = BenchOptions.describeMachine(new ObjectMapper().createObjectNode());
            o.set("svm_tolerance", table);
            System.out.println(new ObjectMapper().writeValueAsString(o));
        }
        return 0;
    }

    private static double accuracy(Classifier c, double[][] x, int[] y) {
        int[] p = c.predict(x);
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == y[i]) {
                correct++;
            }
        }
        return (double) correct / p.length;
    }
}
