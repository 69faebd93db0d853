package io.github.explain4j.bench;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.perturbation.Occlusion;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A soak of the reliability guarantees, longer than the unit suite can afford: worker threads share the smooth
 * ShapesNet (SiLU, whose gradients DJL's number operands used to corrupt on PyTorch) and the ReLU ShapesNet while
 * another thread allocates and collects; every map is compared bit for bit with the single-threaded one.
 *
 * <pre>
 * mvn -o -q -pl explain-bench -am -DskipTests install
 * java -Xmx2g -Dai.djl.offline=true -cp "explain-bench/target/classes:$(cat explain-bench/target/classpath.txt)" \
 *     io.github.explain4j.bench.Soak PyTorch 600 4
 * </pre>
 * Arguments: engine, seconds, worker threads. Prints the calls made and how many differ; exits 1 if any does.
 */
public final class Soak {

    private Soak() {}

    /** Runs the soak. */
    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "PyTorch";
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        List<BufferedImage> images = new ArrayList<>();
        SyntheticShapes.create(64).samples(SyntheticShapes.TEST_SEED, 1200, 8).forEach(s -> images.add(s.image()));
        List<AttributionMethod> methods = List.of(Saliency.create(), GradCam.at("stage3"),
                SmoothGrad.of(Saliency.create()).samples(4).seed(3), IntegratedGradients.create().steps(8),
                Occlusion.create().window(16).stride(8));
        try (Model smooth = ShapesNet.loadSmooth(engine); Model relu = ShapesNet.load(engine)) {
            List<ExplainableModel> models = List.of(ShapesNet.explainable(smooth), ShapesNet.explainable(relu));
            int combos = models.size() * methods.size();
            List<List<Attribution>> reference = new ArrayList<>();
            for (int k = 0; k < combos; k++) {
                reference.add(methods.get(k % methods.size()).explain(models.get(k / methods.size()), images,
                        Target.topPrediction()));
            }
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger bitwise = new AtomicInteger();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            Thread pressure = new Thread(() -> {
                List<Object> sink = new ArrayList<>();
                for (int i = 0; System.nanoTime() < end; i++) {
                    sink.add(ByteBuffer.allocateDirect(4));
                    sink.add(new byte[1 << 16]);
                    if (sink.size() > 256) {
                        sink.clear();
                    }
                    if (i % 400 == 0) {
                        System.gc();
                    }
                }
            });
            pressure.setDaemon(true);
            pressure.start();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                int offset = t;
                pool.submit(() -> {
                    for (int i = offset; System.nanoTime() < end; i += threads) {
                        int k = i % combos;
                        List<Attribution> maps = methods.get(k % methods.size())
                                .explain(models.get(k / methods.size()), images, Target.topPrediction());
                        double off = 0;
                        for (int n = 0; n < maps.size(); n++) {
                            off = Math.max(off, distance(maps.get(n).values(), reference.get(k).get(n).values()));
                        }
                        if (off > 0) {
                            bitwise.incrementAndGet();
                            System.out.println("differs by " + off + " of the peak: " + maps.get(0).provenance());
                        }
                        if (off > 1e-4) {
                            wrong.incrementAndGet();
                        }
                        calls.incrementAndGet();
                    }
                    return null;
                });
            }
            pool.shutdown();
            pool.awaitTermination(seconds + 600, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "%s soak: %d calls of batch %d in %d s from %d threads under allocation;"
                    + " %d differ from the single-threaded maps in some bit, %d by more than 1e-4 of the peak%n",
                    engine, calls.get(), images.size(), seconds, threads, bitwise.get(), wrong.get());
            if (wrong.get() > 0) {
                System.exit(1);
            }
        }
    }

    /** The largest absolute difference over the reference's largest absolute value (infinite for NaN). */
    private static double distance(float[] a, float[] reference) {
        double d = 0;
        double peak = 0;
        for (int i = 0; i < reference.length; i++) {
            double e = Math.abs(a[i] - reference[i]);
            d = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(d, e);
            peak = Math.max(peak, Math.abs(reference[i]));
        }
        return d / peak;
    }
}
