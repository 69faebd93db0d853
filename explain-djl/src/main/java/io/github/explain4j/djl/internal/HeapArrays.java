package io.github.explain4j.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

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

    /**
     * Copies a float32 {@code array}'s values into {@code into}, which must hold exactly as many: one copy, where
     * {@link NDArray#toFloatArray()} makes a new array (and on PyTorch passes through a second heap copy).
     *
     * @throws IllegalArgumentException when the sizes differ or the array is not float32
     */
    public static void read(NDArray array, float[] into) {
        if (array.getDataType() != DataType.FLOAT32 || array.size() != into.length) {
            throw new IllegalArgumentException("cannot read a " + array.getDataType() + " array of " + array.size()
                    + " values into " + into.length + " floats; convert it to float32 first or size the buffer to"
                    + " match");
        }
        FloatBuffer values = array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        values.get(into);
    }

    /**
     * One direct buffer that makes a float32 array from heap values again and again, for a loop that hands the engine
     * one input per step: allocating a direct buffer per input costs more than the copy itself. On PyTorch the array
     * made uses the buffer as its memory, so a staging refuses to make the next array while the one before is open:
     * close it (its manager) first. One staging serves one thread.
     */
    public static final class Staging {
        private final ByteBuffer buffer;
        private final FloatBuffer floats;
        private NDArray last;

        /** A staging for arrays of {@code length} values. */
        public Staging(int length) {
            buffer = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.nativeOrder());
            floats = buffer.asFloatBuffer();
        }

        /**
         * A float32 array of {@code shape} holding {@code values}, in {@code manager}.
         *
         * @throws IllegalStateException while the array made before is still open
         * @throws IllegalArgumentException when {@code values} does not match the staging's length or {@code shape}
         */
        public NDArray create(NDManager manager, float[] values, Shape shape) {
            if (last != null && !last.isReleased()) {
                throw new IllegalStateException("the array staged before is still open and shares this buffer on"
                        + " PyTorch; close it (or its manager) before staging the next input");
            }
            if (values.length != floats.capacity() || shape.size() != values.length) {
                throw new IllegalArgumentException("cannot stage " + values.length + " values as " + shape + " in a"
                        + " staging of " + floats.capacity() + "; make a staging of the input's size");
            }
            floats.clear();
            floats.put(values);
            buffer.clear();
            try {
                last = manager.create(buffer, shape, DataType.FLOAT32);
                return last;
            } finally {
                Reference.reachabilityFence(buffer);
            }
        }
    }
}
