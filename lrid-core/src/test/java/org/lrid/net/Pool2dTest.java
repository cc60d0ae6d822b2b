package org.lrid.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * lrid's max pooling is libtorch's max_pool2d and its gradient, ties and NaNs included, and its
 * backward fused with a ReLU's derivative is the two taken apart.
 */
class Pool2dTest {

    private static void check(NDManager m, NDArray x, int size) {
        Pool2d pool = new Pool2d(Pool2d.Kind.MAX, size);
        NDArray y = pool.forward(x, true);
        NDArray expected = Pool2d.libtorchMaxPool(x, size);
        assertArrayEquals(expected.getShape().getShape(), y.getShape().getShape());
        assertArrayEquals(expected.toFloatArray(), y.toFloatArray(), 0f);
        NDArray g = m.randomNormal(y.getShape());
        NDArray dx = pool.backward(g, null, true);
        NDArray expectedDx = Autograd.vjp(z -> Pool2d.libtorchMaxPool(z, size), x, g);
        assertArrayEquals(expectedDx.getShape().getShape(), dx.getShape().getShape());
        assertArrayEquals(expectedDx.toFloatArray(), dx.toFloatArray(), 0f);
        // on a ReLU's output h, with the ReLU's derivative taken in the same pass: sign(h) * dh,
        // bit for bit
        NDArray h = Activation.RELU.apply(x);
        Pool2d fusing = new Pool2d(Pool2d.Kind.MAX, size);
        fusing.forward(h, true);
        float[] fused = fusing.backwardThroughRelu(g).toFloatArray();
        NDArray dh = Autograd.vjp(z -> Pool2d.libtorchMaxPool(z, size), h, g);
        float[] separate = Activation.RELU.backward(dh, h).toFloatArray();
        for (int i = 0; i < fused.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(
                    Float.floatToRawIntBits(separate[i]),
                    Float.floatToRawIntBits(fused[i]),
                    "fused input " + i);
        }
    }

    @Test
    void maxPoolingAndItsGradientAreLibtorchsOnRandomInputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            check(m, m.randomNormal(new Shape(3, 4, 8, 8)), 2);
            check(m, m.randomNormal(new Shape(2, 3, 7, 9)), 2);
            check(m, m.randomNormal(new Shape(2, 3, 9, 7)), 3);
        }
    }

    @Test
    void tiesGoToTheFirstMaximumAsInLibtorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            // ReLU outputs: most windows hold several zeros
            NDArray relu = m.randomNormal(new Shape(4, 3, 6, 6)).sub(1).getNDArrayInternal().relu();
            check(m, relu, 2);
            // small integers: ties at positive values too
            NDArray ints =
                    m.randomInteger(
                                    0,
                                    3,
                                    new Shape(4, 3, 7, 7),
                                    ai.djl.ndarray.types.DataType.INT32)
                            .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            check(m, ints, 2);
            check(m, ints, 3);
        }
    }

    @Test
    void stridedInputsAndNaNsAreLibtorchsToo() {
        try (NDManager m = NDManager.newBaseManager()) {
            // a transposed view: not contiguous in libtorch's memory
            check(m, m.randomNormal(new Shape(2, 3, 8, 6)).transpose(0, 1, 3, 2), 2);
            float[] v = m.randomNormal(new Shape(2, 2, 6, 6)).toFloatArray();
            v[7] = Float.NaN;
            v[8] = Float.NaN;
            v[40] = Float.NaN;
            check(m, m.create(v, new Shape(2, 2, 6, 6)), 2);
            check(m, m.create(v, new Shape(2, 2, 6, 6)), 3);
        }
    }

    @Test
    void averagePoolingsGradientIsLibtorchsBitForBit() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int size : new int[] {2, 3}) {
                for (Shape shape : new Shape[] {new Shape(3, 4, 8, 8), new Shape(2, 3, 7, 9)}) {
                    Pool2d pool = new Pool2d(Pool2d.Kind.AVG, size);
                    NDArray x = m.randomNormal(shape);
                    NDArray y = pool.forward(x, true);
                    NDArray g = m.randomNormal(y.getShape());
                    NDArray expected =
                            Autograd.vjp(
                                    z ->
                                            ai.djl.nn.pooling.Pool.avgPool2d(
                                                    z,
                                                    new Shape(size, size),
                                                    new Shape(size, size),
                                                    new Shape(0, 0),
                                                    false,
                                                    true),
                                    x,
                                    g);
                    float[] want = expected.toFloatArray();
                    float[] got = pool.backward(g, null, true).toFloatArray();
                    assertArrayEquals(expected.getShape().getShape(), x.getShape().getShape());
                    for (int i = 0; i < want.length; i++) {
                        org.junit.jupiter.api.Assertions.assertEquals(
                                Float.floatToRawIntBits(want[i]),
                                Float.floatToRawIntBits(got[i]),
                                "size " + size + " " + shape + " input " + i);
                    }
                }
            }
        }
    }

    @Test
    void aSecondBackwardReusesTheKeptForward() {
        try (NDManager m = NDManager.newBaseManager()) {
            Pool2d pool = new Pool2d(Pool2d.Kind.MAX, 2);
            NDArray x = m.randomNormal(new Shape(2, 3, 6, 6));
            pool.forward(x, true);
            // a forward pass not kept (a held-out evaluation) does not disturb the kept one
            pool.forward(m.randomNormal(new Shape(5, 3, 4, 4)), false);
            NDArray g = m.randomNormal(new Shape(2, 3, 3, 3));
            NDArray expected = Autograd.vjp(z -> Pool2d.libtorchMaxPool(z, 2), x, g);
            assertArrayEquals(
                    expected.toFloatArray(), pool.backward(g, null, true).toFloatArray(), 0f);
            assertArrayEquals(
                    expected.toFloatArray(), pool.backward(g, null, true).toFloatArray(), 0f);
        }
    }

    @Test
    void signedZerosAndInfinitiesBitForBit() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = m.randomNormal(new Shape(1, 2, 8, 8)).toFloatArray();
            float[] specials = {-0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f};
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < v.length; i++) {
                if (random.nextInt(3) > 0) {
                    v[i] = specials[random.nextInt(specials.length)];
                }
            }
            NDArray x = m.create(v, new Shape(1, 2, 8, 8));
            check(m, x, 2);
            Pool2d pool = new Pool2d(Pool2d.Kind.MAX, 2);
            float[] y = pool.forward(x, true).toFloatArray();
            float[] expected = Pool2d.libtorchMaxPool(x, 2).toFloatArray();
            for (int i = 0; i < y.length; i++) {
                // the sign of a zero maximum too: the first zero of the window, as libtorch
                org.junit.jupiter.api.Assertions.assertEquals(
                        Float.floatToRawIntBits(expected[i]),
                        Float.floatToRawIntBits(y[i]),
                        "output " + i);
            }
        }
    }
}
