package org.lrid.rule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import org.lrid.net.NativeFloats;
import org.lrid.net.Simd;

/**
 * Standard-normal floats written straight into libtorch's memory of a new array, for the
 * weight-mirror rule's noise inputs ({@link Alignment#noiseLike}): a counter-based generator and
 * Box-Muller, in Java, on the Vector API ({@link VectorNoise}) when {@link Simd} is on and as the
 * scalar loop below otherwise, the two giving the same bits (tested).
 *
 * <p>The values are a function of one 64-bit seed and their position alone, through a counter hash:
 * h_k = mix(seed + k * 0x9E3779B97F4A7C15), mix being splitmix64's finaliser (Stafford's variant
 * 13, the one {@link java.util.SplittableRandom} uses), so that vector lanes and the scalar loop
 * compute every value independently, with no sequential state, no lock and no shared generator. The
 * 32-bit words of the hashes, low half first (word 2k + 1 is the high half of h_k), feed blocks of
 * 32 elements: block b's Box-Muller unit j (0 <= j < 16) takes u1 = ((word 32b + j) >>> 8 + 1) /
 * 2^24 in (0, 1] (never 0, so the logarithm is finite; r is at most sqrt(2 ln 2^24) = 5.77, a
 * truncation of the normal at a tail mass of 8e-9) and u2 = (word 32b + 16 + j) >>> 8 / 2^24 in [0,
 * 1), and gives element 32b + j = r cos(2 pi u2) and element 32b + 16 + j = r sin(2 pi u2), r =
 * sqrt(-2 ln u1). Elements past the end are dropped (a short last block loses sines, or whole
 * units). Why this layout rather than z_2k, z_2k+1 from h_k: a vector of 16 floats then holds 16
 * units' cosines (or sines) in order, and a vector of 8 hashes read as 16 ints holds their 16 words
 * in order, so the vector loop stays in one register width, with no conversion between shapes and
 * no interleaving shuffle (see {@link VectorNoise}); any fixed assignment of independent uniforms
 * to elements gives independent normals.
 *
 * <p>Same bits on both paths: only +, -, *, sqrt (correctly rounded on both: Math.sqrt on a float
 * rounded back to float, the lanewise SQRT), conversions and integer operations, in the same order
 * (Java never fuses a multiply and an add). So ln, sin and cos are this class's own float
 * polynomials rather than Math's or the Vector API's (whose results may differ by an ulp between an
 * intrinsic and its fallback): Cephes' logf, sinf and cosf polynomials (S. L. Moshier), within 1
 * ulp of the exact values over every argument the sampler uses (tested exhaustively: 0.85, 0.76 and
 * 0.98 ulp at worst), ln's evaluated by Estrin's scheme. ln's argument reduction is musl's
 * branch-free one (integer operations on the bits give x = 2^e (1 + f) with 1 + f in [sqrt(1/2),
 * sqrt(2))); the angle's is exact, in integers: the 24 bits of u2 are a quadrant q (the nearest
 * multiple of pi / 2) and a remainder in [-pi/4, pi/4), and q swaps and negates sin and cos by bit
 * selection and sign flips. Floats rather than doubles: a vector holds twice as many, and the
 * inputs' 24-bit resolution is that of the float32 array they fill.
 *
 * <p>Speed: see {@link Alignment#noiseLike}.
 */
final class NormalNoise {

    /** The golden-ratio increment of splitmix64 (and SplittableRandom). */
    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** The angle of one unit of u2's 24 bits: 2 pi / 2^24. */
    static final float ANGLE = (float) (2 * Math.PI / (1 << 24));

    // Cephes logf: ln(1 + f) = f - f^2 / 2 + f^3 P(f) on [sqrt(1/2) - 1, sqrt(2) - 1]
    static final float L8 = 7.0376836292E-2f;
    static final float L7 = -1.1514610310E-1f;
    static final float L6 = 1.1676998740E-1f;
    static final float L5 = -1.2420140846E-1f;
    static final float L4 = 1.4249322787E-1f;
    static final float L3 = -1.6668057665E-1f;
    static final float L2 = 2.0000714765E-1f;
    static final float L1 = -2.4999993993E-1f;
    static final float L0 = 3.3333331174E-1f;

    /** ln 2 as a short part (exact times a small exponent) plus a correction. */
    static final float LN2_HI = 0.693359375f;

    static final float LN2_LO = -2.12194440e-4f;

    /** musl's reduction: the bits of x plus this move [sqrt(1/2), sqrt(2)) onto one exponent. */
    static final int LN_SHIFT = 0x3f800000 - 0x3f3504f3;

    static final int SQRT_HALF_BITS = 0x3f3504f3;

    // Cephes sinf and cosf on [-pi/4, pi/4]
    static final float S2 = -1.9515295891E-4f;
    static final float S1 = 8.3321608736E-3f;
    static final float S0 = -1.6666654611E-1f;
    static final float C2 = 2.443315711809948E-5f;
    static final float C1 = -1.388731625493765E-3f;
    static final float C0 = 4.166664568298827E-2f;

    private NormalNoise() {}

    /** A new float32 array of {@code shape}'s size in {@code manager}, filled from {@code seed}. */
    static NDArray sample(ai.djl.ndarray.types.Shape shape, long seed, NDManager manager) {
        NDArray out = manager.create(shape, DataType.FLOAT32); // uninitialised: every float is set
        int n = Math.toIntExact(out.size());
        if (n == 0) {
            return out;
        }
        ByteBuffer bytes = NativeFloats.bytes(out);
        int from = Simd.enabled() ? VectorNoise.fill(seed, bytes, n) : 0;
        fill(seed, NativeFloats.address(bytes), from, n);
        return out;
    }

    /**
     * The scalar loop: elements [from, n) of the float array at {@code address}, {@code from} a
     * multiple of 32 (the vector loop stops at a block's start).
     */
    static void fill(long seed, long address, int from, int n) {
        for (int block = from >>> 5; block << 5 < n; block++) {
            long first = (long) block << 4; // the block's first hash
            for (int j = 0; j < 16 && (block << 5) + j < n; j += 2) {
                long a = mix(seed + (first + (j >>> 1)) * GOLDEN);
                long b = mix(seed + (first + 8 + (j >>> 1)) * GOLDEN);
                unit(address, (block << 5) + j, n, (int) a, (int) b);
                unit(address, (block << 5) + j + 1, n, (int) (a >>> 32), (int) (b >>> 32));
            }
        }
    }

    /** One Box-Muller unit from words w1 (for r) and w2 (the angle): elements at and at + 16. */
    private static void unit(long address, int at, int n, int w1, int w2) {
        if (at >= n) {
            return;
        }
        float u1 = (float) ((w1 >>> 8) + 1) * 0x1p-24f;
        float r = (float) Math.sqrt(ln(u1) * -2f);
        int t = (w2 >>> 8) + (1 << 21);
        int q = t >>> 22;
        float a = (float) ((t & 0x3fffff) - (1 << 21)) * ANGLE;
        int s = Float.floatToRawIntBits(sin(a));
        int c = Float.floatToRawIntBits(cos(a));
        int odd = -(q & 1); // all ones in quadrants 1 and 3: cos and sin swap
        int cosBits = ((c & ~odd) | (s & odd)) ^ (((q + 1) & 2) << 30);
        int sinBits = ((s & ~odd) | (c & odd)) ^ ((q & 2) << 30);
        NativeFloats.put(address, at, r * Float.intBitsToFloat(cosBits));
        if (at + 16 < n) {
            NativeFloats.put(address, at + 16, r * Float.intBitsToFloat(sinBits));
        }
    }

    /** splitmix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** ln x for a positive normal float x (Cephes logf's polynomial, musl's reduction). */
    static float ln(float x) {
        int ix = Float.floatToRawIntBits(x) + LN_SHIFT;
        float e = (float) ((ix >> 23) - 127);
        float f = Float.intBitsToFloat((ix & 0x7fffff) + SQRT_HALF_BITS) - 1f;
        float z = f * f;
        float z4 = z * z;
        // Estrin's scheme rather than Horner's: a third of the dependent chain, and the vector
        // loop's iterations overlap (it ran 12% faster)
        float p03 = (L3 * f + L2) * z + (L1 * f + L0);
        float p48 = (L7 * f + L6) * z + (L5 * f + L4) + L8 * z4;
        float p = p48 * z4 + p03;
        float y = p * (z * f) + e * LN2_LO - 0.5f * z;
        return f + y + e * LN2_HI;
    }

    /** sin a for |a| <= pi / 4 (Cephes sinf's polynomial). */
    static float sin(float a) {
        float z = a * a;
        return ((S2 * z + S1) * z + S0) * z * a + a;
    }

    /** cos a for |a| <= pi / 4 (Cephes cosf's polynomial). */
    static float cos(float a) {
        float z = a * a;
        return ((C2 * z + C1) * z + C0) * z * z - 0.5f * z + 1f;
    }
}
