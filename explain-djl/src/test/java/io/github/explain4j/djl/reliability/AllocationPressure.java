package io.github.explain4j.djl.reliability;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A daemon thread that allocates direct buffers and heap arrays and calls {@code System.gc()} now and then: the
 * load under which freed native memory is reused quickly, so that a pass reading memory it no longer owns shows it.
 */
final class AllocationPressure implements AutoCloseable {

    private volatile boolean stop;
    private final Thread thread;

    private AllocationPressure() {
        thread = new Thread(() -> {
            List<Object> sink = new ArrayList<>();
            int i = 0;
            while (!stop) {
                sink.add(ByteBuffer.allocateDirect(4).putFloat(0, -5.7e36f));
                sink.add(new byte[1 << 16]);
                if (sink.size() > 256) {
                    sink.clear();
                }
                if (++i % 400 == 0) {
                    System.gc();
                }
            }
        }, "allocation-pressure");
        thread.setDaemon(true);
    }

    /** Starts the allocating thread. */
    static AllocationPressure start() {
        AllocationPressure p = new AllocationPressure();
        p.thread.start();
        return p;
    }

    /** A few direct buffers from the calling thread, between a forward and a backward pass. */
    static void allocateHere() {
        for (int k = 0; k < 16; k++) {
            ByteBuffer.allocateDirect(4).putFloat(0, -5.7e36f);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }
}
