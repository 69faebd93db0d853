package io.github.explain4j.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.github.explain4j.djl.seam.ModelClosedException;
import java.lang.ref.Cleaner;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What keeps a seam safe while the user's model may be closed or shared between threads:
 * <ul>
 *   <li><b>Its own manager.</b> Every call's scope is a sub-manager of a base manager of the model's engine, not
 *       of the model's manager, so {@code model.close()} never closes the arrays of a running explanation.</li>
 *   <li><b>Its own views of the parameters</b> ({@code detach}: same memory, new native handle), taken when the
 *       seam is made. The engines count references to the memory, so closing the model frees its handles while
 *       running explanations keep computing on the views (the guard also holds the Java buffer behind a
 *       parameter PyTorch made from Java data, which the model's close would let the garbage collector free); a
 *       parameter replaced since (another array object) gets
 *       a new view, or a {@link ModelClosedException} when its array is already released. Without this, MXNet
 *       aborted the JVM when a model was closed during an explanation.</li>
 *   <li><b>One call at a time on engines that cannot run two.</b> MXNet's engine gave wrong maps, rarely, to
 *       threads that shared a model (forward passes and array maths run concurrently there); on every engine but
 *       PyTorch a call holds the engine's {@link GradientLock} from start to end. PyTorch runs forward passes
 *       concurrently and serialises only gradient passes.</li>
 *   <li><b>A count of running calls</b>: once the model is closed no call starts, and the views are released
 *       when the last running one ends (or when the seam is garbage-collected).</li>
 * </ul>
 */
public final class ModelGuard {

    private static final Cleaner CLEANER = Cleaner.create();

    private final NDManager own;
    private final BooleanSupplier open;
    private final boolean exclusive;
    private final ReentrantLock engineLock;
    private final Map<String, View> views = new ConcurrentHashMap<>();
    private int running;
    private boolean released;

    /** A view, and the Java buffer the source's memory may live in (PyTorch arrays made from Java data). */
    private record View(NDArray source, NDArray view, Object javaMemory) {}

    /**
     * A guard for a model whose arrays live in {@code modelManager}.
     *
     * @param modelManager the model's manager (its engine and device are used)
     * @param open tells whether the model is still open
     * @param parameters the parameters blocks will ask for, viewed now
     */
    public ModelGuard(NDManager modelManager, BooleanSupplier open, Collection<Parameter> parameters) {
        String engine = modelManager.getEngine().getEngineName();
        this.own = NDManager.newBaseManager(modelManager.getDevice(), engine);
        this.open = open;
        this.exclusive = !"PyTorch".equals(engine);
        this.engineLock = GradientLock.of(engine);
        for (Parameter p : parameters) {
            if (p.isInitialized()) {
                view(p);
            }
        }
        NDManager ownManager = own;
        CLEANER.register(this, ownManager::close);
    }

    /** The manager under which call scopes are opened. */
    public NDManager manager() {
        return own;
    }

    /** Whether the model is open. */
    public boolean isOpen() {
        return open.getAsBoolean();
    }

    /**
     * Runs {@code work} in a fresh scope that is closed afterwards, holding the engine lock for the whole call on
     * engines that cannot run two calls at once.
     *
     * @throws ModelClosedException when the model was closed before the call
     */
    public <T> T call(Function<NDManager, T> work) {
        enter();
        try {
            if (exclusive) {
                engineLock.lock();
            }
            try (NDManager scope = own.newSubManager()) {
                return work.apply(scope);
            } finally {
                if (exclusive) {
                    engineLock.unlock();
                }
            }
        } finally {
            exit();
        }
    }

    /**
     * The array a block should compute with for {@code parameter}: this guard's view of it. Computing from views
     * keeps running explanations alive when the model is closed.
     *
     * @throws ModelClosedException when the parameter's array was replaced and is already released
     */
    public NDArray view(Parameter parameter) {
        NDArray source = parameter.getArray();
        View v = views.get(parameter.getId());
        if (v != null && v.source == source) {
            return v.view;
        }
        synchronized (this) {
            v = views.get(parameter.getId());
            if (v != null && v.source == source) {
                return v.view;
            }
            if (released || source.isReleased() || !open.getAsBoolean()) {
                throw new ModelClosedException("the model was closed while explaining it: parameter '"
                        + parameter.getName() + "' is released; explain a model before closing it, or load it again");
            }
            NDArray view = source.stopGradient();
            view.attach(own);
            if (v != null) {
                v.view.close();
            }
            views.put(parameter.getId(), new View(source, view, OperandPins.javaMemoryOf(source)));
            return view;
        }
    }

    private synchronized void enter() {
        if (released || !open.getAsBoolean()) {
            releaseIfIdle();
            throw new ModelClosedException("the model was closed; explain it before closing it, or load it again");
        }
        running++;
    }

    private synchronized void exit() {
        running--;
        if (!open.getAsBoolean()) {
            releaseIfIdle();
        }
    }

    private void releaseIfIdle() {
        if (running == 0 && !released) {
            released = true;
            for (View v : views.values()) {
                v.view.close();
            }
            views.clear();
        }
    }
}
