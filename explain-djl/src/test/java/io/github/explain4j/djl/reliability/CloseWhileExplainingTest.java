package io.github.explain4j.djl.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.perturbation.Occlusion;
import io.github.explain4j.djl.seam.ModelClosedException;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8.3: closing the model while another thread explains it. Before the fix MXNet aborted the JVM (malloc
 * corruption, SIGSEGV in libmxnet) in 3 runs of 3; a crash here ends the test JVM, which fails the build. Now the
 * running explanation finishes with the right map (it computes on the seam's own views of the parameters), or fails
 * with a {@link ModelClosedException} naming the model; every later call fails with one.
 */
class CloseWhileExplainingTest {

    private static final BufferedImage IMAGE = ReliabilityFixtures.heldOutShapes(950, 1).get(0);

    private static List<AttributionMethod> slowMethods() {
        return List.of(Occlusion.create().window(8).stride(2),
                SmoothGrad.of(Saliency.create()).samples(48).batchSize(8).seed(1));
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void closingDuringAnExplanationNeitherCrashesNorReturnsAWrongMap(String engine) throws Exception {
        int closedWhileRunning = 0;
        for (AttributionMethod method : slowMethods()) {
            Attribution reference;
            try (Model other = ShapesNet.load(engine)) {
                reference = method.explain(ShapesNet.explainable(other), IMAGE, Target.classIndex(1));
            }
            for (int run = 0; run < 3; run++) {
                Model model = ShapesNet.load(engine);
                // the close comes from this thread once the explanation reports a quarter, a half or three
                // quarters of its work done: mid-flight whatever the machine's speed
                double at = (run + 1) / 4.0;
                CountDownLatch reached = new CountDownLatch(1);
                ExplainableModel m = ShapesNet.explainable(model).withProgress((task, done, total) -> {
                    if (done >= at * total) {
                        reached.countDown();
                    }
                });
                CompletableFuture<Attribution> running =
                        CompletableFuture.supplyAsync(() -> method.explain(m, IMAGE, Target.classIndex(1)));
                assertTrue(reached.await(2, TimeUnit.MINUTES), method + " reported no progress");
                closedWhileRunning += running.isDone() ? 0 : 1;
                model.close();
                try {
                    Attribution a = running.get(2, TimeUnit.MINUTES);
                    assertArrayEquals(reference.values(), a.values(), method + " finished after close with a map"
                            + " other than the one of an open model");
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof ModelClosedException, "expected a ModelClosedException, got "
                            + e.getCause());
                    assertTrue(e.getCause().getMessage().contains("'" + m.name() + "'")
                            && e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
                }
                ModelClosedException later = assertThrows(ModelClosedException.class,
                        () -> method.explain(m, IMAGE, Target.classIndex(1)));
                assertTrue(later.getMessage().contains("'" + m.name() + "'") && later.getMessage().contains("closed"),
                        later.getMessage());
            }
        }
        assertTrue(closedWhileRunning >= 5, "the model was closed during only " + closedWhileRunning + " of 6"
                + " explanations; the test must close it mid-flight");
    }
}
