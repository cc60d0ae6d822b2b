package org.lrid.identify;

/** Selecting rows by index: the one gather every split, fold and table uses. */
final class Rows {

    private Rows() {}

    static int[] gather(int[] v, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = v[rows[i]];
        }
        return out;
    }

    /** The selected rows (shared, not copied). */
    static <T> T[] gather(T[] v, int[] rows) {
        T[] out = java.util.Arrays.copyOf(v, rows.length);
        for (int i = 0; i < rows.length; i++) {
            out[i] = v[rows[i]];
        }
        return out;
    }
}
