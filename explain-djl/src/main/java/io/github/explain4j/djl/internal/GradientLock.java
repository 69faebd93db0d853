package io.github.explain4j.djl.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per engine around every gradient computation: DJL engines allow one {@code GradientCollector} at a
 * time (PyTorch enforces it with a process-wide flag, MXNet's autograd recording state is global), so
 * explanations from several threads take turns instead of failing.
 */
public final class GradientLock {

    private static final ConcurrentHashMap<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private GradientLock() {}

    /** The lock of an engine, by its DJL name. */
    public static ReentrantLock of(String engineName) {
        return LOCKS.computeIfAbsent(engineName, k -> new ReentrantLock());
    }
}
