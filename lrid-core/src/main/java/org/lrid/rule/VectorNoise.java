package org.lrid.rule;

import static org.lrid.rule.NormalNoise.ANGLE;
import static org.lrid.rule.NormalNoise.C0;
import static org.lrid.rule.NormalNoise.C1;
import static org.lrid.rule.NormalNoise.C2;
import static org.lrid.rule.NormalNoise.GOLDEN;
import static org.lrid.rule.NormalNoise.L0;
import static org.lrid.rule.NormalNoise.L1;
import static org.lrid.rule.NormalNoise.L2;
import static org.lrid.rule.NormalNoise.L3;
import static org.lrid.rule.NormalNoise.L4;
import static org.lrid.rule.NormalNoise.L5;
import static org.lrid.rule.NormalNoise.L6;
import static org.lrid.rule.NormalNoise.L7;
import static org.lrid.rule.NormalNoise.L8;
import static org.lrid.rule.NormalNoise.LN2_HI;
import static org.lrid.rule.NormalNoise.LN2_LO;
import static org.lrid.rule.NormalNoise.LN_SHIFT;
import static org.lrid.rule.NormalNoise.S0;
import static org.lrid.rule.NormalNoise.S1;
import static org.lrid.rule.NormalNoise.S2;
import static org.lrid.rule.NormalNoise.SQRT_HALF_BITS;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NormalNoise}'s scalar loop on Java's Vector API: one lane per Box-Muller unit, a block's
 * 16 units in 16 / F.length() iterations. The species are the preferred float species (the one
 * {@link VectorSteps} uses) capped at 16 lanes and the int and long species of its width: a hash
 * vector read as ints gives the units' words in lane order (the Vector API reinterprets in
 * little-endian lane order on every platform), and the cosines and sines go out as two whole
 * vectors, so the loop needs no conversion between shapes and no shuffle. One float species for
 * every Vector API loop of lrid matters: a second one (256-bit floats here beside the optimizer's
 * 512-bit ones) left the API's shared call sites bimorphic in a training JVM, C2 lost the species
 * constant and compiled the loads and stores as calls (wm's step 2 ms slower than with libtorch's
 * sampler, while a benchmark of this loop alone ran fast). Loaded only when {@link
 * org.lrid.net.Simd#enabled}.
 */
final class VectorNoise {

    private static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.length() <= 16
                    ? FloatVector.SPECIES_PREFERRED
                    : FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final VectorSpecies<Long> L =
            LongVector.SPECIES_PREFERRED.withShape(F.vectorShape());
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorNoise() {}

    /**
     * Elements [0, m) of the n floats in {@code out}, m = n rounded down to whole blocks of 32;
     * returns m (the scalar loop does the rest).
     */
    static int fill(long seed, ByteBuffer out, int n) {
        int units = (n >>> 5) << 4;
        LongVector lane = LongVector.zero(L).addIndex(1);
        for (int t = 0; t < units; t += F.length()) {
            // unit t is unit j = t & 15 of block t >>> 4; its words j and 16 + j are halves of
            // hashes 16 block + j / 2 and 16 block + 8 + j / 2
            long first = ((long) (t >>> 4) << 4) + ((t & 15) >>> 1);
            IntVector w1 = hash(lane.add(first).mul(GOLDEN).add(seed)).reinterpretAsInts();
            IntVector w2 = hash(lane.add(first + 8).mul(GOLDEN).add(seed)).reinterpretAsInts();

            // r = sqrt(-2 ln u1), u1 = (w1 >>> 8 + 1) / 2^24
            FloatVector u1 =
                    ((FloatVector)
                                    w1.lanewise(VectorOperators.LSHR, 8)
                                            .add(1)
                                            .convertShape(VectorOperators.I2F, F, 0))
                            .mul(0x1p-24f);
            IntVector ix = u1.reinterpretAsInts().add(LN_SHIFT);
            FloatVector e =
                    (FloatVector)
                            ix.lanewise(VectorOperators.ASHR, 23)
                                    .sub(127)
                                    .convertShape(VectorOperators.I2F, F, 0);
            FloatVector f = ix.and(0x7fffff).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
            FloatVector z = f.mul(f);
            FloatVector z4 = z.mul(z);
            FloatVector p03 = f.mul(L3).add(L2).mul(z).add(f.mul(L1).add(L0));
            FloatVector p48 = f.mul(L7).add(L6).mul(z).add(f.mul(L5).add(L4)).add(z4.mul(L8));
            FloatVector p = p48.mul(z4).add(p03);
            FloatVector y = p.mul(z.mul(f)).add(e.mul(LN2_LO)).sub(z.mul(0.5f));
            FloatVector ln = f.add(y).add(e.mul(LN2_HI));
            FloatVector r = ln.mul(-2f).lanewise(VectorOperators.SQRT);

            // the angle 2 pi u2 = q pi / 2 + a, |a| <= pi / 4, u2 = (w2 >>> 8) / 2^24
            IntVector a24 = w2.lanewise(VectorOperators.LSHR, 8).add(1 << 21);
            IntVector q = a24.lanewise(VectorOperators.LSHR, 22);
            FloatVector a =
                    ((FloatVector)
                                    a24.and(0x3fffff)
                                            .sub(1 << 21)
                                            .convertShape(VectorOperators.I2F, F, 0))
                            .mul(ANGLE);
            FloatVector aa = a.mul(a);
            IntVector s =
                    aa.mul(S2).add(S1).mul(aa).add(S0).mul(aa).mul(a).add(a).reinterpretAsInts();
            IntVector c =
                    aa.mul(C2)
                            .add(C1)
                            .mul(aa)
                            .add(C0)
                            .mul(aa)
                            .mul(aa)
                            .sub(aa.mul(0.5f))
                            .add(1f)
                            .reinterpretAsInts();
            IntVector odd = q.and(1).neg();
            IntVector even = odd.not();
            IntVector cosBits =
                    c.and(even)
                            .or(s.and(odd))
                            .lanewise(
                                    VectorOperators.XOR,
                                    q.add(1).and(2).lanewise(VectorOperators.LSHL, 30));
            IntVector sinBits =
                    s.and(even)
                            .or(c.and(odd))
                            .lanewise(
                                    VectorOperators.XOR,
                                    q.and(2).lanewise(VectorOperators.LSHL, 30));
            int at = ((t >>> 4) << 5) + (t & 15);
            r.mul(cosBits.reinterpretAsFloats()).intoByteBuffer(out, at << 2, ORDER);
            r.mul(sinBits.reinterpretAsFloats()).intoByteBuffer(out, (at + 16) << 2, ORDER);
        }
        return units << 1;
    }

    /** splitmix64's finaliser, lane by lane. */
    private static LongVector hash(LongVector h) {
        h =
                h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 30))
                        .mul(0xBF58476D1CE4E5B9L);
        h =
                h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 27))
                        .mul(0x94D049BB133111EBL);
        return h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 31));
    }
}
