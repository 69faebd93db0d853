package io.github.explain4j.djl.internal;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scopes for gradient passes that keep every array's Java-held memory alive until the pass is over.
 *
 * <p>Why: DJL 0.35's PyTorch engine runs {@code x.mul(3f)} (and {@code div}, {@code pow}, {@code maximum},
 * {@code minimum} with a Java number, hence {@code Activation.swish} and {@code relu6}) by wrapping the number in a
 * tensor over a direct {@link ByteBuffer} without copying it, and closes that tensor at once. Autograd keeps the
 * operand for the backward pass; once the garbage collector frees and reuses the buffer, the backward pass reads
 * garbage — a wrong gradient without an error. See {@code docs/djl-number-operand-gradients.md}.
 *
 * <p>How: the pass's manager gets a resource table that, when an array leaves it (closed or moved), holds on to the
 * direct buffer behind that array (DJL's {@code dataRef}) until the manager itself is closed. Every array a block
 * computes from the pass's input, its captured layer or its parameter views lands in that manager (DJL attaches an
 * op's result to its first operand's manager), so user blocks and activations are covered without being changed.
 * Engines that keep no such buffer (MXNet copies numbers into the op's parameters) are left as they are; the cost is
 * one list entry per closed array.
 */
public final class OperandPins {

    private static final Field RESOURCES = resourcesField();
    private static final ClassValue<Field> DATA_REF = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                try {
                    Field f = c.getDeclaredField("dataRef");
                    if (f.getType() == ByteBuffer.class) {
                        f.setAccessible(true);
                        return f;
                    }
                } catch (NoSuchFieldException e) {
                    // look further up
                } catch (RuntimeException e) {
                    return null; // inaccessible: nothing to pin on this engine
                }
            }
            return null;
        }
    };

    private OperandPins() {}

    /**
     * A sub-manager of {@code parent} whose arrays' Java-held buffers stay alive until it is closed.
     *
     * @param parent the scope the pass belongs to
     * @return a new manager; close it after the backward pass and after moving the results out
     */
    public static NDManager pinnedScope(NDManager parent) {
        NDManager scope = parent.newSubManager();
        install(scope);
        return scope;
    }

    /** Whether a manager keeps the buffers of the arrays that leave it (for tests). */
    public static boolean isPinned(NDManager manager) {
        try {
            return RESOURCES != null && RESOURCES.get(manager) instanceof PinningTable;
        } catch (IllegalAccessException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The Java buffer whose memory an array's native tensor uses without owning it (PyTorch arrays created from
     * Java data), or {@code null}. Whoever computes with a view of such an array after the array is closed must
     * hold this buffer.
     */
    public static Object javaMemoryOf(Object array) {
        Field f = array == null ? null : DATA_REF.get(array.getClass());
        if (f == null) {
            return null;
        }
        try {
            return f.get(array);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read an array's Java-held memory", e);
        }
    }

    private static void install(NDManager scope) {
        if (RESOURCES == null || !(scope instanceof BaseNDManager)) {
            return;
        }
        try {
            @SuppressWarnings("unchecked")
            ConcurrentHashMap<String, AutoCloseable> table = (ConcurrentHashMap<String, AutoCloseable>) RESOURCES
                    .get(scope);
            if (table instanceof PinningTable) {
                return;
            }
            PinningTable pinning = new PinningTable();
            pinning.putAll(table);
            RESOURCES.set(scope, pinning);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot protect the gradient pass's operands: DJL's BaseNDManager"
                    + " resources are not accessible; explain4j supports DJL 0.35", e);
        }
    }

    private static Field resourcesField() {
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            throw new ExceptionInInitializerError("this DJL version's BaseNDManager has no accessible field"
                    + " 'resources'; explain4j supports DJL 0.35");
        }
    }

    /** A manager's resource table that keeps the direct buffer of every array removed from it. */
    private static final class PinningTable extends ConcurrentHashMap<String, AutoCloseable> {

        private static final long serialVersionUID = 1L;
        private final transient List<Object> pinned = new ArrayList<>();

        @Override
        public AutoCloseable remove(Object key) {
            AutoCloseable resource = super.remove(key);
            Object buffer = javaMemoryOf(resource);
            if (buffer != null) {
                synchronized (pinned) {
                    pinned.add(buffer);
                }
            }
            return resource;
        }

        @Override
        public void clear() {
            super.clear();
            synchronized (pinned) {
                pinned.clear();
            }
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }
}
