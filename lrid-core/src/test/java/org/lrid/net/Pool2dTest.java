package org.lrid.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The strided-view max pooling is libtorch's max_pool2d and its gradient, ties included. */
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
}
