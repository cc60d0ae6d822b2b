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

    public static FloatBuffer of(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32) {
            throw new LridException("expected a float32 array, got " + a.getDataType());
        }
        Math.toIntExact(a.size()); // one Java buffer indexes it
        return a.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** A Java array of at least n floats: {@code kept} when large enough. */
    public static float[] atLeast(float[] kept, int n) {
        return kept != null && kept.length >= n ? kept : new float[n];
    }
}
