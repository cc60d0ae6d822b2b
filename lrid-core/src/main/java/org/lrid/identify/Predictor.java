package org.lrid.identify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a saved model to trajectories in the long format: the model's transform and z-scoring,
 * then calibrated rule probabilities per layer ({@link Calibration}), and per network the layers'
 * calibrated log-probabilities summed (the layers as independent witnesses). A layer outside the
 * training data (its novelty distance above the model's threshold) has the verdict {@value
 * #UNKNOWN}, and so has a network when at least half of its layers are; an unknown counts as wrong
 * in the accuracies.
 */
public final class Predictor {

    /** One layer's or network's verdict; {@code rule} is the true rule when the file gives it. */
    public record Verdict(
            String network,
            int layer,
            String predicted,
            Map<String, Double> probabilities,
            String rule) {}

    public record Prediction(
            List<Verdict> layers,
            List<Verdict> networks,
            Double layerAccuracy,
            Double networkAccuracy,
            double unknownFraction,
            double layerUnknownFraction) {}

    /** The verdict for a layer or network outside the training data. */
    public static final String UNKNOWN = "unknown";

    private Predictor() {}

    public static Prediction predict(SavedModel model, Path file) {
        OutsideTable table = OutsideTable.read(file, model.layout(), model.classes(), true);
        List<String> keys = table.keys();
        Map<String, String[]> meta = table.meta();
        double[][] x = table.x();
        boolean hasRule = table.hasRule();
        int[] all = java.util.stream.IntStream.range(0, x.length).toArray();
        double[][] xz = model.standardizer().apply(model.transform().apply(x, model.layout()), all);
        double[][] proba = model.calibration().apply(model.classifier().predictProba(xz));
        boolean[] unknown = model.calibration().unknown(xz);
        Map<String, int[]> unknownLayers = new LinkedHashMap<>();
        int layerUnknown = 0;
        List<Verdict> layers = new ArrayList<>();
        Map<String, double[]> logSum = new LinkedHashMap<>();
        Map<String, String> networkRule = new LinkedHashMap<>();
        int layerCorrect = 0;
        for (int i = 0; i < keys.size(); i++) {
            String[] m = meta.get(keys.get(i));
            layers.add(
                    verdict(
                            m[0],
                            Integer.parseInt(m[1]),
                            proba[i],
                            model.classes(),
                            m[3],
                            unknown[i]));
            int[] u = unknownLayers.computeIfAbsent(m[0], k -> new int[2]);
            u[0] += unknown[i] ? 1 : 0;
            u[1]++;
            layerUnknown += unknown[i] ? 1 : 0;
            if (m[3] != null && layers.get(i).predicted().equals(m[3])) {
                layerCorrect++;
            }
            double[] sum = logSum.computeIfAbsent(m[0], k -> new double[model.classes().size()]);
            for (int c = 0; c < sum.length; c++) {
                sum[c] += Math.log(Math.max(proba[i][c], 1e-6));
            }
            networkRule.put(m[0], m[3]);
        }
        List<Verdict> networks = new ArrayList<>();
        int networkCorrect = 0;
        int networkUnknown = 0;
        for (Map.Entry<String, double[]> e : logSum.entrySet()) {
            double[] l = e.getValue();
            double max = java.util.Arrays.stream(l).max().orElse(0);
            double total = 0;
            double[] p = new double[l.length];
            for (int c = 0; c < l.length; c++) {
                p[c] = Math.exp(l[c] - max);
                total += p[c];
            }
            for (int c = 0; c < l.length; c++) {
                p[c] /= total;
            }
            int[] u = unknownLayers.get(e.getKey());
            Verdict v =
                    verdict(
                            e.getKey(),
                            -1,
                            p,
                            model.classes(),
                            networkRule.get(e.getKey()),
                            2 * u[0] >= u[1]);
            networks.add(v);
            networkUnknown += 2 * u[0] >= u[1] ? 1 : 0;
            if (v.rule() != null && v.predicted().equals(v.rule())) {
                networkCorrect++;
            }
        }
        return new Prediction(
                layers,
                networks,
                hasRule ? (double) layerCorrect / layers.size() : null,
                hasRule ? (double) networkCorrect / networks.size() : null,
                (double) networkUnknown / networks.size(),
                (double) layerUnknown / layers.size());
    }

    private static Verdict verdict(
            String network,
            int layer,
            double[] p,
            List<String> classes,
            String rule,
            boolean unknown) {
        Map<String, Double> probabilities = new LinkedHashMap<>();
        int best = 0;
        for (int c = 0; c < p.length; c++) {
            probabilities.put(classes.get(c), p[c]);
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return new Verdict(
                network, layer, unknown ? UNKNOWN : classes.get(best), probabilities, rule);
    }
}
