package io.github.explain4j.djl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.io.DataInput;
import java.io.DataOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pass folds batches into the job on a thread of its own while the model runs the next batch: the job sees
 * every batch once, in order, never two at a time and never after the pass has returned or thrown; a failure
 * while folding ends the pass with that exception.
 */
class FoldingTest {

    private static final int IMAGES = 37;

    /** Records the batches' first indices; slow, so that folding overlaps the next forward. */
    private static final class Recording implements DatasetJob<List<Long>> {
        final transient AtomicInteger inside = new AtomicInteger();
        final transient AtomicInteger calls = new AtomicInteger();
        final transient List<String> threads = new ArrayList<>();
        final long failAt;

        Recording(long failAt) {
            this.failAt = failAt;
        }

        @Override
        public String description() {
            return "recording";
        }

        @Override
        public Accumulator<List<Long>> start(ExplainableModel model) {
            String path = model.seam().resolveLayer("stage2");
            List<Long> firsts = new ArrayList<>();
            return new Accumulator<>() {
                @Override
                public List<String> layers() {
                    return List.of(path);
                }

                @Override
                public void add(LayerBatch batch) {
                    if (inside.incrementAndGet() != 1) {
                        throw new AssertionError("two batches folded at once");
                    }
                    try {
                        calls.incrementAndGet();
                        threads.add(Thread.currentThread().getName());
                        long first = batch.items().get(0).index();
                        if (first == failAt) {
                            throw new IllegalStateException("folding failed at image " + first);
                        }
                        assertEquals(batch.size(), batch.layer(path).images());
                        Thread.sleep(20);
                        firsts.add(first);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    } finally {
                        inside.decrementAndGet();
                    }
                }

                @Override
                public void merge(Accumulator<List<Long>> other) {
                    throw new UnsupportedOperationException("not needed by this test");
                }

                @Override
                public List<Long> result() {
                    return List.copyOf(firsts);
                }

                @Override
                public void write(DataOutput out) {
                    throw new UnsupportedOperationException("not needed by this test");
                }

                @Override
                public void read(DataInput in) {
                    throw new UnsupportedOperationException("not needed by this test");
                }
            };
        }
    }

    private static ImageSource shapes() {
        return ImageSource.shapes(SyntheticShapes.create(64), SyntheticShapes.TEST_SEED, IMAGES);
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void everyBatchIsFoldedOnceInOrderOffTheCallersThreadAndAFailureEndsThePass(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            Recording job = new Recording(-1);
            List<Long> firsts = DatasetPass.over(shapes()).batchSize(4).progress(ProgressListener.NONE)
                    .run(model, job);
            List<Long> want = new ArrayList<>();
            for (long i = 0; i < IMAGES; i += 4) {
                want.add(i);
            }
            assertEquals(want, firsts, "every batch once, in order, all folded in before the result");
            assertFalse(job.threads.contains(Thread.currentThread().getName()), job.threads.toString());

            Recording failing = new Recording(16);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> DatasetPass.over(shapes()).batchSize(4).progress(ProgressListener.NONE)
                            .run(model, failing));
            assertEquals("folding failed at image 16", e.getMessage());
            int calls = failing.calls.get();
            assertEquals(5, calls, "the pass stops at the failed batch, the fifth: no later batch is handed over");
            Thread.sleep(100);
            assertEquals(calls, failing.calls.get(), "no batch is folded in after the pass has thrown");
        }
    }
}
