package io.github.explain4j.samples.fashion;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.data.JobList;
import io.github.explain4j.djl.inside.TopActivations;
import io.github.explain4j.djl.inside.TopPatches;
import io.github.explain4j.inside.TopHits;
import io.github.explain4j.inside.UnitPatches;
import io.github.explain4j.render.Heatmaps;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Zeiler & Fergus' Figure 2 for FashionNet: the nine Fashion-MNIST images that excite each unit of its three
 * ReLU layers most, in one streaming pass over a whole split, then each patch cropped to the unit's receptive field
 * beside its deconvnet projection, for the eight strongest units of each layer.
 *
 * <pre>
 * OMP_NUM_THREADS=1 mvn -o -q -pl samples exec:java \
 *     -Dexec.mainClass=io.github.explain4j.samples.fashion.FashionInside -Dexec.args="PyTorch test docs/gallery"
 * # all 60,000 training images with the heap capped at 512 MB, no pictures:
 * java -Xmx512m -cp … io.github.explain4j.samples.fashion.FashionInside PyTorch train -
 * </pre>
 *
 * Arguments: the engine (PyTorch), the split (test or train), the output folder ({@code -}: no pictures). It
 * prints the pass's time and the heap's peak use.
 */
public final class FashionInside {

    /**
     * The three ReLU layers of {@link FashionNet#layerwise}: after conv1 (28×28×32), conv2 (14×14×64), conv3
     * (7×7×64).
     */
    public static final List<String> LAYERS = List.of("03LambdaBlock", "07LambdaBlock", "11LambdaBlock");
    /** Their names in captions. */
    static final List<String> NAMES = List.of("relu1", "relu2", "relu3");

    private FashionInside() {}

    /**
     * Runs the pass.
     *
     * @param args engine, split, output folder
     * @throws Exception if the model or the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "PyTorch";
        FashionMnist.Split split = args.length > 1 && args[1].equalsIgnoreCase("train") ? FashionMnist.Split.TRAIN
                : FashionMnist.Split.TEST;
        String outArg = args.length > 2 ? args[2] : "docs/gallery";
        Path root = io.github.explain4j.samples.Gallery.repositoryRoot();
        ImageSource source = FashionMnist.source(split);
        try (Model m = FashionNet.load(root.resolve(FashionNet.COMMITTED_DIR), engine)) {
            ExplainableModel model = FashionNet.layerwise(m);
            long start = System.nanoTime();
            List<TopHits> hits = DatasetPass.over(source).batchSize(256).progress(ProgressListener.NONE)
                    .run(model, JobList.of(TopActivations.of(LAYERS.get(0)), TopActivations.of(LAYERS.get(1)),
                            TopActivations.of(LAYERS.get(2))));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s: top-9 of %d + %d + %d units over %,d %s images in %.1f s (%.0f"
                    + " images/s); heap peak %.0f MB of max %.0f MB%n", engine, hits.get(0).channelCount(),
                    hits.get(1).channelCount(), hits.get(2).channelCount(), hits.get(0).images(),
                    split.name().toLowerCase(Locale.ROOT), seconds, hits.get(0).images() / seconds, heapPeakMb(),
                    Runtime.getRuntime().maxMemory() / 1e6);
            if (outArg.equals("-")) {
                return;
            }
            Path out = Path.of(outArg);
            for (int l = 0; l < LAYERS.size(); l++) {
                TopHits h = hits.get(l);
                UnitPatches fig = TopPatches.of(model, source, h).units(h.strongestChannels().subList(0, 8));
                Path file = out.resolve("fashion-top9-" + NAMES.get(l) + ".png");
                Heatmaps.write(fig.grid(3, 28, 4), file);
                System.out.println("wrote " + file.toAbsolutePath());
            }
        }
    }

    /** The largest heap use seen by the JVM's heap pools since start, in MB. */
    static double heapPeakMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / 1e6;
    }
}
