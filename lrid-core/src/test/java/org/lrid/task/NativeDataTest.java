package org.lrid.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NativeDataTest {

    /**
     * The row copy gives, for images (C, H, W) and for flat examples, exactly the examples advanced
     * indexing gave, in the index's order (repeats allowed), in the index's manager.
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
            long[] rows = {49, 0, 17, 17, 3, 48, 21};
            try (NDManager step = NDManager.newBaseManager();
                    NDArray index = step.create(rows);
                    NDArray expected = NativeData.of(set).get(index)) {
                NDArray x = NativeData.rows(set, index);
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
}
