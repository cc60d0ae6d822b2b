package org.lrid.identify;

/**
 * The one shape every classifier has (scikit-learn's): fit on rows of features with integer
 * classes, then give class probabilities for new rows. Experiments are written once against this.
 */
public interface Classifier {

    /**
     * @param y classes in [0, classes)
     */
    void fit(double[][] x, int[] y, int classes);

    /** One row of class probabilities per input row. */
    double[][] predictProba(double[][] x);

    /** The most probable class of each row. */
    default int[] predict(double[][] x) {
        double[][] p = predictProba(x);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            int best = 0;
            for (int c = 1; c < p[i].length; c++) {
                if (p[i][c] > p[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** A short description with the hyperparameters, for results files. */
    String describe();
}
