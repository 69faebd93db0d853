package io.github.explain4j.djl.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.perturbation.Occlusion;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8.2: eight threads sharing one model get exactly the maps one thread gets. Methods are mixed so that
 * gradient passes, forward-only passes (the lazy top class, occlusion's batches, IG's end points) and array maths
 * run at the same time. Measured before the fix on MXNet: 2 wrong maps in 2,400 calls; hence 5,000 calls per
 * engine, compared bit for bit.
 */
class SharedModelConcurrencyTest {

    private static final int CALLS = 5000;
    private static final int THREADS = 8;

    private static List<AttributionMethod> methods() {
        return List.of(
                Saliency.create(),
                GradCam.at("stage3"),
                SmoothGrad.of(Saliency.create()).samples(2).noise(0.1).seed(5),
                Occlusion.create().window(32).stride(32),
                IntegratedGradients.create().steps(4));
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void eightThreadsGetTheSingleThreadedMaps(String engine) throws Exception {
        try (Model model = ShapesNet.load(engine)) {
            ExplainableModel m = ShapesNet.explainable(model);
            List<BufferedImage> images = ReliabilityFixtures.heldOutShapes(900, 6);
            List<AttributionMethod> methods = methods();
            int combos = methods.size() * images.size();
            Attribution[] reference = new Attribution[combos];
            for (int k = 0; k < combos; k++) {
                reference[k] = methods.get(k % methods.size()).explain(m, images.get(k / methods.size()),
                        Target.topPrediction());
            }
            AtomicInteger wrong = new AtomicInteger();
            List<String> examples = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int call = 0; call < CALLS; call++) {
                    int k = (call * 7) % combos;
                    futures.add(pool.submit(() -> {
                        Attribution a = methods.get(k % methods.size()).explain(m, images.get(k / methods.size()),
                                Target.topPrediction());
                        Attribution r = reference[k];
                        if (!Arrays.equals(a.values(), r.values())
                                || a.provenance().targetClass() != r.provenance().targetClass()) {
                            wrong.incrementAndGet();
                            synchronized (examples) {
                                if (examples.size() < 5) {
                                    examples.add(a.provenance().method() + " on image " + k / methods.size()
                                            + ": class " + a.provenance().targetClass() + " vs "
                                            + r.provenance().targetClass());
                                }
                            }
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(0, wrong.get(), engine + ": " + wrong.get() + " of " + CALLS + " concurrent calls differ from"
                    + " the single-threaded maps, e.g. " + examples);
            for (Attribution r : reference) {
                double peak = ReliabilityFixtures.peak(r);
                assertTrue(Double.isFinite(peak) && peak > 0, "reference " + r.provenance().method() + ": " + peak);
            }
        }
    }
}
