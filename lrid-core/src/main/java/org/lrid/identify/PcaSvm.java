package org.lrid.identify;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The reference's SVM pipeline (lr-identify's cls_cv_params.py and fit_pipeline.py): optionally PCA
 * of the trajectory columns to {@code components} components (the layer-position columns bypass it
 * and are appended after, as the reference appends its categorical features after the reduction),
 * then the linear SVM. {@code components = 0} is the pipeline without PCA. The number of components
 * is capped by the training size and the number of trajectory columns (scikit-learn's limit).
 */
public final class PcaSvm implements Classifier {

    /**
     * PCA fits shared by the candidates of one grid: cross-validation scores every candidate on the
     * same standardized fold, so one eigendecomposition serves every (components, C) pair of that
     * fold. Keyed by the identity of the training matrix, weakly.
     */
    public static final class Cache {
        private final Map<double[][], Pca> fits = Collections.synchronizedMap(new WeakHashMap<>());

        Pca fit(double[][] x, int columns) {
            synchronized (fits) {
                return fits.computeIfAbsent(x, k -> Pca.fit(x, columns));
            }
        }
    }

    private final FeatureLayout layout;
    private final int components;
    private final double c;
    private final long seed;
    private final Cache cache;
    private Pca pca;
    private int used;
    private LinearSvm svm;

    public PcaSvm(FeatureLayout layout, int components, double c, long seed, Cache cache) {
        this.layout = layout;
        this.components = components;
        this.c = c;
        this.seed = seed;
        this.cache = cache == null ? new Cache() : cache;
    }

    @Override
    public void fit(double[][] x, int[] y, int classes) {
        layout.check(x);
        svm = new LinearSvm(c, seed);
        if (components == 0) {
            svm.fit(x, y, classes);
            return;
        }
        pca = cache.fit(x, layout.trajectoryWidth());
        used = Math.min(components, Math.min(x.length, layout.trajectoryWidth()));
        svm.fit(pca.transform(x, used, layout.trajectoryWidth()), y, classes);
    }

    private double[][] reduce(double[][] x) {
        layout.check(x);
        return pca == null ? x : pca.transform(x, used, layout.trajectoryWidth());
    }

    @Override
    public double[][] predictProba(double[][] x) {
        return svm.predictProba(reduce(x));
    }

    /** Components actually used in the last fit (0 without PCA). */
    public int componentsUsed() {
        return pca == null ? 0 : used;
    }

    public LinearSvm svm() {
        return svm;
    }

    public FeatureLayout layout() {
        return layout;
    }

    public int components() {
        return components;
    }

    /** The fitted PCA, or null without it. */
    public Pca pca() {
        return pca;
    }

    /** A fitted pipeline from saved parts. */
    static PcaSvm restore(FeatureLayout layout, int components, int used, Pca pca, LinearSvm svm) {
        PcaSvm p = new PcaSvm(layout, components, svm.c(), svm.seed(), null);
        p.pca = pca;
        p.used = used;
        p.svm = svm;
        return p;
    }

    @Override
    public String describe() {
        return (components == 0
                        ? ""
                        : "pca to " + (pca == null ? components : used) + " components, then ")
                + "linear svm (one-vs-rest, squared hinge, dual coordinate descent, tolerance "
                + LinearSvm.TOLERANCE
                + "): C "
                + c;
    }
}
