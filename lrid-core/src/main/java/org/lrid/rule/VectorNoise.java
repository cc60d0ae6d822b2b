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
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NormalNoise}'s scalar loop on Java's Vector API: one lane per pair of outputs. The hash
 * runs on the preferred long species (8 lanes with AVX-512), the float work on the int and float
 * species of as many lanes (half its width), and each lane's cosine and sine go out together as one
 * long (the two floats' bits, in memory order), so no shuffles interleave them. Loaded only when
 * {@link org.lrid.net.Simd#enabled}.
 */
final class VectorNoise {

    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I =
            IntVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L.length() * 32));
    private static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L.length() * 32));
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final boolean LITTLE = ORDER == ByteOrder.LITTLE_ENDIAN;

    private VectorNoise() {}

    /**
     * Elements [0, m) of the n floats in {@code out}, m the largest multiple of two lanes' pairs at
     * most n; returns m (the scalar loop does the rest).
     */
    static int fill(long seed, ByteBuffer out, int n) {
        int lanes = L.length();
        int pairs = L.loopBound(n >>> 1);
        LongVector counter =
                LongVector.zero(L).addIndex(1).mul(GOLDEN).add(seed); // seed + k GOLDEN, lane k
        long stride = lanes * GOLDEN;
        for (int k = 0; k < pairs; k += lanes) {
            LongVector h = counter;
            counter = counter.add(stride);
            h =
                    h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 30))
                            .mul(0xBF58476D1CE4E5B9L);
            h =
                    h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 27))
                            .mul(0x94D049BB133111EBL);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 31));
            IntVector hi =
                    (IntVector)
                            h.lanewise(VectorOperators.LSHR, 32)
                                    .convertShape(VectorOperators.L2I, I, 0);
            IntVector lo = (IntVector) h.convertShape(VectorOperators.L2I, I, 0);

            // r = sqrt(-2 ln u1), u1 = (hi >>> 8 + 1) / 2^24
            FloatVector u1 =
                    ((FloatVector)
                                    hi.lanewise(VectorOperators.LSHR, 8)
                                            .add(1)
                                            .convert(VectorOperators.I2F, 0))
                            .mul(0x1p-24f);
            IntVector ix = u1.reinterpretAsInts().add(LN_SHIFT);
            FloatVector e =
                    (FloatVector)
                            ix.lanewise(VectorOperators.ASHR, 23)
                                    .sub(127)
                                    .convert(VectorOperators.I2F, 0);
            FloatVector f = ix.and(0x7fffff).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
            FloatVector z = f.mul(f);
            FloatVector z4 = z.mul(z);
            FloatVector p03 = f.mul(L3).add(L2).mul(z).add(f.mul(L1).add(L0));
            FloatVector p48 = f.mul(L7).add(L6).mul(z).add(f.mul(L5).add(L4)).add(z4.mul(L8));
            FloatVector p = p48.mul(z4).add(p03);
            FloatVector y = p.mul(z.mul(f)).add(e.mul(LN2_LO)).sub(z.mul(0.5f));
            FloatVector ln = f.add(y).add(e.mul(LN2_HI));
            FloatVector r = ln.mul(-2f).lanewise(VectorOperators.SQRT);

            // the angle 2 pi u2 = q pi / 2 + a, |a| <= pi / 4
            IntVector t = lo.and(0xffffff).add(1 << 21);
            IntVector q = t.lanewise(VectorOperators.LSHR, 22);
            FloatVector a =
                    ((FloatVector) t.and(0x3fffff).sub(1 << 21).convert(VectorOperators.I2F, 0))
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
            LongVector first =
                    (LongVector)
                            r.mul(cosBits.reinterpretAsFloats())
                                    .reinterpretAsInts()
                                    .convertShape(VectorOperators.I2L, L, 0);
            LongVector second =
                    (LongVector)
                            r.mul(sinBits.reinterpretAsFloats())
                                    .reinterpretAsInts()
                                    .convertShape(VectorOperators.I2L, L, 0);
            LongVector both =
                    LITTLE
                            ? first.and(0xffffffffL).or(second.lanewise(VectorOperators.LSHL, 32))
                            : second.and(0xffffffffL).or(first.lanewise(VectorOperators.LSHL, 32));
            both.intoByteBuffer(out, k << 3, ORDER);
        }
        return pairs << 1;
    }
}
