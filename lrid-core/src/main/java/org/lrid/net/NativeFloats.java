package org.lrid.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.lrid.LridException;

/**
 * libtorch's memory of a float32 array as a Java buffer, for the few loops that run faster in Java
 * than as a chain of libtorch calls (max pooling, the momentum and Adam steps). Writes land in the
 * array itself when it is contiguous (every array lrid creates); a strided view is read through a
 * contiguous copy in its manager.
 */
public final class NativeFloats {

    private NativeFloats() {}

    /**
     * Direct reads and writes of libtorch's memory for the loops where even a bulk copy in and out
     * costs more than the loop (max pooling: the copies were a third of its time). {@code
     * sun.misc.Unsafe} (module jdk.unsupported, as Spark's and Netty's own off-heap code) is the
     * only way Java 17 reads native memory without a copy or a bounds-checked buffer.
     */
    private static final sun.misc.Unsafe UNSAFE;

    /** The offset of {@code java.nio.Buffer.address} (a direct buffer's native address). */
    private static final long ADDRESS_FIELD;

    static {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (sun.misc.Unsafe) f.get(null);
            ADDRESS_FIELD =
                    UNSAFE.objectFieldOffset(java.nio.Buffer.class.getDeclaredField("address"));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The native address of a float32 array's first element, for {@link #get} and {@link #put}. It
     * stays valid while {@code a}'s manager is open. A strided view is read through a contiguous
     * copy in that manager: reads see its values, writes are lost (write only to arrays lrid
     * created itself, which are contiguous).
     */
    public static long address(NDArray a) {
        return address(bytes(a));
    }

    /**
     * libtorch's memory of a float32 array as a direct buffer of native byte order, for the Vector
     * API's loads and stores; the same memory as {@link #address}.
     */
    public static java.nio.ByteBuffer bytes(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32) {
            throw new LridException("expected a float32 array, got " + a.getDataType());
        }
        java.nio.ByteBuffer buffer = a.toByteBuffer(true);
        if (!buffer.isDirect()) {
            throw new IllegalStateException("libtorch gave no direct buffer for " + a.getShape());
        }
        return buffer.order(ByteOrder.nativeOrder());
    }

    /** The native address of a direct buffer's first byte. */
    public static long address(java.nio.ByteBuffer direct) {
        return UNSAFE.getLong(direct, ADDRESS_FIELD);
    }

    /** Element {@code i} of the float array at {@code address} (from {@link #address}). */
    public static float get(long address, long i) {
        return UNSAFE.getFloat(address + (i << 2));
    }

    /** Sets element {@code i} of the float array at {@code address} (from {@link #address}). */
    public static void put(long address, long i, float value) {
        UNSAFE.putFloat(address + (i << 2), value);
    }

    public static FloatBuffer of(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32) {
            throw new LridException("expected a float32 array, got " + a.getDataType());
        }
        Math.toIntExact(a.size()); // one Java buffer indexes it
        return a.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Fails unless writes to {@link #of}'s buffer land in {@code a} itself: a strided view is read
     * through a copy, and an update written there would be lost without a word. Checked by flipping
     * the last bit of the first element through one buffer, reading it through another, and
     * restoring it.
     */
    public static void requireWritable(NDArray a) {
        if (a.size() == 0) {
            return;
        }
        FloatBuffer first = of(a);
        FloatBuffer second = of(a);
        int bits = Float.floatToRawIntBits(first.get(0));
        first.put(0, Float.intBitsToFloat(bits ^ 1));
        boolean shared = Float.floatToRawIntBits(second.get(0)) == (bits ^ 1);
        first.put(0, Float.intBitsToFloat(bits));
        if (!shared) {
            throw new IllegalStateException(
                    "an array updated in place from Java must be contiguous, got a strided view of"
                            + " shape "
                            + a.getShape());
        }
    }

    /** A Java array of at least n floats: {@code kept} when large enough. */
    public static float[] atLeast(float[] kept, int n) {
        return kept != null && kept.length >= n ? kept : new float[n];
    }
}
