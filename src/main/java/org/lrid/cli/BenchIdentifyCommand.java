package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
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

/** Classifier fit and predict times on a worst case for trees: pure noise features, random labels. */
@Command(name = "identify", mixinStandardHelpOptions = true,
        description = {"Time the random forest (500 trees, all cores) and the linear SVM on a 5,000 x 504 table of",
            "standard-normal features with uniformly random 4-class labels, 75/25 split (accuracy must be chance)."})
final class BenchIdentifyCommand implements Callable<Integer> {

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the table (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
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

        System.out.printf("random forest (500 trees): fit %.2f s, predict %.2f s, accuracy %.3f%n", rfFit, rfPredict,
                rfAccuracy);
        System.out.printf("linear svm (C = 1):        fit %.2f s, accuracy %.3f%n", svmFit, svmAccuracy);
        System.out.printf("chance 0.25; with %d test rows the standard error of chance accuracy is %.3f%n", n - cut,
                Math.sqrt(0.25 * 0.75 / (n - cut)));
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
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
