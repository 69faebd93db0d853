package io.github.explain4j.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native arrays made from heap values, safe under garbage collection on every engine.
 *
 * <p>Why: DJL 0.35.1's MXNet engine copies a heap array into a temporary direct buffer and hands only the buffer's
 * address to {@code MXNDArraySyncCopyFromCPU}; nothing keeps the buffer reachable during that native call, so a
 * collection at that moment frees the memory being copied and the array is created with garbage (measured: 1 of 73
 * calls on the ShapesNet soak came back with values around 1e35 while another thread allocated). Here the direct
 * buffer is the caller's and is kept reachable until the engine has copied it. On PyTorch the array uses the buffer
 * as its memory and holds it, as DJL does itself.
 */
public final class HeapArrays {

    private HeapArrays() {}

    /** A float32 array of {@code shape} holding {@code values}, in {@code manager}. */
    public static NDArray create(NDManager manager, float[] values, Shape shape) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        buffer.asFloatBuffer().put(values);
        try {
            return manager.create(buffer, shape, DataType.FLOAT32);
        } finally {
            Reference.reachabilityFence(buffer);
        }
    }

    /** A float64 array of {@code shape} holding {@code values}, in {@code manager}. */
    public static NDArray create(NDManager manager, double[] values, Shape shape) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(values.length * Double.BYTES).order(ByteOrder.nativeOrder());
        buffer.asDoubleBuffer().put(values);
        try {
            return manager.create(buffer, shape, DataType.FLOAT64);
        } finally {
            Reference.reachabilityFence(buffer);
        }
    }

    /** An int64 array of {@code shape} holding {@code values}, in {@code manager}. */
    public static NDArray create(NDManager manager, long[] values, Shape shape) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(values.length * Long.BYTES).order(ByteOrder.nativeOrder());
        buffer.asLongBuffer().put(values);
        try {
            return manager.create(buffer, shape, DataType.INT64);
        } finally {
            Reference.reachabilityFence(buffer);
        }
    }
}
