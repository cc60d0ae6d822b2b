package org.lrid.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NativeDataTest {

    /**
     * The row copy gives, for images (C, H, W) and for flat examples, exactly the examples
     * libtorch's advanced indexing gives, in the order's positions [start, start + n) (repeats
     * allowed), in the given manager and shape.
     */
    @Test
    void rowsAreTheIndexedExamplesWithTheBatchShape() {
        SplittableRandom r = new SplittableRandom(3);
        for (long[] exampleShape : new long[][] {{1, 4, 5}, {7}}) {
            int count = 50;
            int size = (int) new Shape(exampleShape).size();
            float[] features = new float[count * size];
            for (int i = 0; i < features.length; i++) {
                features[i] = (float) r.nextDouble(-1, 1);
            }
            ExampleSet set = new ExampleSet(features, new int[count], exampleShape);
            int[] order = {5, 5, 49, 0, 17, 17, 3, 48, 21, 9};
            long[] rows = {49, 0, 17, 17, 3, 48, 21};
            try (NDManager step = NDManager.newBaseManager();
                    NDArray index = step.create(rows);
                    NDArray expected = NativeData.of(set).get(index)) {
                NDArray x =
                        NativeData.rows(
                                set,
                                step,
                                order,
                                2,
                                rows.length,
                                SupervisedTask.batchShape(rows.length, exampleShape));
                assertEquals(step, x.getManager());
                assertEquals(SupervisedTask.batchShape(rows.length, exampleShape), x.getShape());
                assertArrayEquals(expected.toFloatArray(), x.toFloatArray());
                float[] flat = x.toFloatArray();
                for (int i = 0; i < rows.length; i++) {
                    float[] row = new float[size];
                    System.arraycopy(flat, i * size, row, 0, size);
                    assertArrayEquals(set.range((int) rows[i], 1), row);
                }
            }
        }
    }

    @Test
    void rowsRejectExamplesOutsideTheSetAndShapesThatDoNotHoldThem() {
        float[] features = new float[10 * 3];
        ExampleSet limited = new ExampleSet(features, new int[10], new long[] {3}).limit(4);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(
                    IndexOutOfBoundsException.class,
                    () -> NativeData.rows(limited, m, new int[] {0, 4}, 0, 2, new Shape(2, 3)));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> NativeData.rows(limited, m, new int[] {0, 1}, 0, 2, new Shape(2, 4)));
        }
    }

    /** The uploads hold exactly the Java values, in fresh arrays of the manager. */
    @Test
    void intsAndFloatsUploadExactValues() {
        int[] ints = {3, -1, Integer.MAX_VALUE, 0, 7};
        float[] floats = {1.5f, -0f, Float.MIN_VALUE, Float.NaN, 1e30f, -2.25f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray i = NativeData.ints(m, ints);
            assertEquals(m, i.getManager());
            assertEquals(DataType.INT32, i.getDataType());
            assertArrayEquals(ints, i.toIntArray());
            NDArray f = NativeData.floats(m, floats, new Shape(2, 3));
            assertEquals(new Shape(2, 3), f.getShape());
            float[] back = f.toFloatArray();
            for (int k = 0; k < floats.length; k++) {
                assertEquals(Float.floatToRawIntBits(floats[k]), Float.floatToRawIntBits(back[k]));
            }
            assertThrows(
                    IllegalArgumentException.class,
                    () -> NativeData.floats(m, floats, new Shape(2, 2)));
        }
    }
}
