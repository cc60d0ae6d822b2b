package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import org.lrid.LridException;
import org.lrid.net.WeightLayer;

/**
 * The five alignment regularisers of Kunin et al. (2020), minimised with respect to B only, the
 * layer input x and W held constant (science.md section 2). Each knows its loss, written straight
 * from the definition, and how it contributes to the gradient in B, written with the layer's four
 * linear maps so that one formula serves dense and conv layers.
 */
public enum Primitive {
    /** ||W||^2 + ||B||^2. */
    DECAY,
    /** -(1/N) sum_n <Pb[n], Pf[n]>: Hebbian growth of B toward W along what the inputs excite. */
    AMP,
    /** (1/N) sum_n ||Pf[n] B||^2: the reconstruction of x from the forward projection. */
    NULL,
    /** (1/N) sum_n ||Pf[n]||^2 + ||Pb[n]||^2. */
    SPARSE,
    /** -sum_ij W_ij B_ij. */
    SELF;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Primitive parse(String name) {
        for (Primitive p : values()) {
            if (p.label().equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new LridException(
                "unknown alignment primitive '"
                        + name
                        + "'; known: decay, amp, null, sparse, self");
    }

    /** The loss for layer input x, projections without bias, as a scalar array in x's manager. */
    public NDArray loss(WeightLayer layer, NDArray x) {
        return loss(layer, x, false);
    }

    /**
     * The loss for layer input x, as a scalar array in x's manager, written straight from the
     * definition.
     *
     * @param bias the projections include the layer's bias: Pf = x W^T + b, Pb = x B^T + b
     */
    public NDArray loss(WeightLayer layer, NDArray x, boolean bias) {
        NDArray w = layer.weight();
        NDArray b = layer.feedbackWeight();
        double n = Alignment.normaliser(x);
        return switch (this) {
            case DECAY -> {
                try (NDArray ww = w.square().sum();
                        NDArray bb = b.square().sum()) {
                    NDArray total = ww.add(bb);
                    total.attach(x.getManager());
                    yield total;
                }
            }
            case AMP -> {
                try (NDArray pf = project(layer, x, w, bias);
                        NDArray pb = project(layer, x, b, bias)) {
                    yield pb.mul(pf).sum().divi(-n);
                }
            }
            case NULL -> {
                try (NDArray pf = project(layer, x, w, bias);
                        NDArray rf = layer.backProject(pf, b, x.getShape().slice(1).getShape())) {
                    yield rf.square().sum().divi(n);
                }
            }
            case SPARSE -> {
                try (NDArray pf = project(layer, x, w, bias);
                        NDArray pb = project(layer, x, b, bias)) {
                    yield pf.square().sum().addi(pb.square().sum()).divi(n);
                }
            }
            case SELF -> {
                try (NDArray wb = w.mul(b)) {
                    NDArray total = wb.sum().negi();
                    total.attach(x.getManager());
                    yield total;
                }
            }
        };
    }

    private static NDArray project(WeightLayer layer, NDArray x, NDArray m, boolean bias) {
        NDArray p = layer.project(x, m);
        if (!bias) {
            return p;
        }
        try (p;
                NDArray b = layer.bias().reshape(biasShape(p))) {
            return p.add(b);
        }
    }

    /** (1, C) or (1, C, 1, 1): the bias broadcast over a projection's batch and spatial axes. */
    private static long[] biasShape(NDArray p) {
        long[] shape = new long[p.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = p.getShape().get(1);
        return shape;
    }
}
