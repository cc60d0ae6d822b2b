package org.lrid.rule;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The optimizer steps of {@link OptimizerSpec} on Java's Vector API, in place on libtorch's memory
 * (direct buffers of native byte order). Loaded only when {@link org.lrid.net.Simd#enabled}: each
 * loop does its scalar twin's float operations in the same order, lane by lane, and its tail runs
 * the scalar twin itself, so the two give the same bits (tested).
 */
final class VectorSteps {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorSteps() {}

    /** SGD over elements [0, n): see {@link OptimizerSpec}'s scalar loop. */
    static int sgd(ByteBuffer p, ByteBuffer g, int n, float rate, float decay) {
        FloatVector wd = FloatVector.broadcast(S, decay);
        int up = S.loopBound(n);
        int i = 0;
        for (; i < up; i += S.length()) {
            int at = i << 2;
            FloatVector pi = FloatVector.fromByteBuffer(S, p, at, ORDER);
            FloatVector gi = FloatVector.fromByteBuffer(S, g, at, ORDER);
            pi.sub(pi.fma(wd, gi).mul(rate)).intoByteBuffer(p, at, ORDER);
        }
        return i;
    }

    /**
     * Nesterov on a linear gradient over elements [0, n): see {@link OptimizerSpec}'s scalar loop
     * (o and f null when absent).
     */
    static int nesterovLinear(
            ByteBuffer p,
            ByteBuffer o,
            ByteBuffer f,
            float[] v,
            int n,
            float m,
            float rate,
            float a,
            float b,
            float c,
            float d) {
        boolean self = a != 0;
        boolean other = o != null && b != 0;
        boolean capped = c != 1 && (self || other);
        boolean follows = f != null;
        boolean followDecays = follows && d != 0;
        int up = S.loopBound(n);
        int i = 0;
        for (; i < up; i += S.length()) {
            int at = i << 2;
            FloatVector pi = FloatVector.fromByteBuffer(S, p, at, ORDER);
            // no vector is ever null here: C2 keeps vectors merged from two non-null values in
            // registers, but boxes one merged with null (kp's step ran 15% slower once wm's had
            // taken the other branches in the same JVM)
            FloatVector gi = pi;
            if (self && other) {
                gi = pi.mul(a).add(FloatVector.fromByteBuffer(S, o, at, ORDER).mul(b));
            } else if (self) {
                gi = pi.mul(a);
            } else if (other) {
                gi = FloatVector.fromByteBuffer(S, o, at, ORDER).mul(b);
            }
            if (capped) {
                gi = gi.mul(c);
            }
            if (follows) {
                FloatVector fi = FloatVector.fromByteBuffer(S, f, at, ORDER);
                if (followDecays) {
                    fi = pi.mul(d).add(fi);
                }
                gi = self || other ? gi.add(fi) : fi;
            }
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(m).add(gi);
            vi.intoArray(v, i);
            pi.sub(vi.mul(m).add(gi).mul(rate)).intoByteBuffer(p, at, ORDER);
        }
        return i;
    }

    /** Adam over elements [0, n): see {@link OptimizerSpec}'s scalar loop. */
    static int adam(
            ByteBuffer p,
            ByteBuffer g,
            float[] first,
            float[] second,
            int n,
            float decay,
            float b1,
            float b2,
            float rest1,
            float rest2,
            float negativeStep,
            float epsHat) {
        boolean decays = decay != 0;
        int up = S.loopBound(n);
        int i = 0;
        for (; i < up; i += S.length()) {
            int at = i << 2;
            FloatVector pi = FloatVector.fromByteBuffer(S, p, at, ORDER);
            FloatVector gi = FloatVector.fromByteBuffer(S, g, at, ORDER);
            if (decays) {
                gi = gi.add(pi.mul(decay));
            }
            FloatVector vi = FloatVector.fromArray(S, second, i).mul(b2).add(gi.mul(gi).mul(rest2));
            FloatVector mi = FloatVector.fromArray(S, first, i).mul(b1).add(gi.mul(rest1));
            vi.intoArray(second, i);
            mi.intoArray(first, i);
            pi.add(mi.mul(negativeStep).div(vi.lanewise(VectorOperators.SQRT).add(epsHat)))
                    .intoByteBuffer(p, at, ORDER);
        }
        return i;
    }
}
