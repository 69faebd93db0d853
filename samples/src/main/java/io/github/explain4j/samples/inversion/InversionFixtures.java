package io.github.explain4j.samples.inversion;

import ai.djl.Model;
import io.github.explain4j.api.Images;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.samples.fashion.FashionMnist;
import io.github.explain4j.samples.fashion.FashionNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The two models whose representations the inversion samples invert, the layers inverted, the images (training
 * and held-out) and where the trained decoders live ({@value #DECODER_DIR}, one DJL {@code .params} file per model
 * and layer: {@code <model>-<layer>-0000.params}).
 */
public enum InversionFixtures {

    /** FashionNet on Fashion-MNIST: the three ReLUs after its three convolutions (28², 14², 7²). */
    FASHION("fashion", List.of("04LambdaBlock", "08LambdaBlock", "12LambdaBlock"),
            List.of("relu1 32×28×28", "relu2 64×14×14", "relu3 64×7×7")),
    /** ShapesNet on the synthetic shapes: its stem and two stages (64², 32², 16²). */
    SHAPES("shapes", List.of("stem", "stage2", "stage3"),
            List.of("stem 16×64×64", "stage2 32×32×32", "stage3 64×16×16"));

    /** Where the decoders are committed, relative to the repository root. */
    public static final String DECODER_DIR = "models/inversion";

    private final String key;
    private final List<String> layers;
    private final List<String> titles;

    InversionFixtures(String key, List<String> layers, List<String> titles) {
        this.key = key;
        this.layers = layers;
        this.titles = titles;
    }

    /** The short name used in file names. */
    public String key() {
        return key;
    }

    /** The layers inverted, shallow to deep, as the model's seam accepts them. */
    public List<String> layers() {
        return layers;
    }

    /** Readable names of the layers, with their feature shapes. */
    public List<String> titles() {
        return titles;
    }

    /** The trained model on {@code engine} (the caller closes it). */
    public Model load(String engine) throws IOException {
        try {
            return this == FASHION ? FashionNet.load(root().resolve(FashionNet.COMMITTED_DIR), engine)
                    : ShapesNet.load(engine);
        } catch (ai.djl.MalformedModelException e) {
            throw new IOException(e);
        }
    }

    /** The loaded model wrapped for explanation. */
    public ExplainableModel explainable(Model model) {
        return this == FASHION ? FashionNet.explainable(model) : ShapesNet.explainable(model);
    }

    /** The decoder file of one layer under {@code dir}. */
    public Path decoder(Path dir, String layer) {
        return dir.resolve(decoderName(layer) + "-0000.params");
    }

    /** The committed decoder file of one layer. */
    public Path decoder(String layer) {
        return decoder(root().resolve(DECODER_DIR), layer);
    }

    /** The name of a decoder (its file name without {@code -0000.params}). */
    public String decoderName(String layer) {
        return key + "-" + layer;
    }

    /**
     * Held-out images (never seen in training), {@code C×H×W} in [0, 1]: Fashion-MNIST's test split, or the
     * shapes' test seed.
     */
    public List<float[]> heldOut(int from, int count) throws IOException {
        return this == FASHION ? fashion(FashionMnist.load(root().resolve(FashionMnist.COMMITTED_DIR),
                FashionMnist.Split.TEST), from, count) : shapes(SyntheticShapes.TEST_SEED, from, count);
    }

    /** {@code count} images of a Fashion-MNIST split from index {@code from}, as 1×28×28 pixels in [0, 1]. */
    public static List<float[]> fashion(FashionMnist data, int from, int count) {
        int pixels = FashionMnist.SIDE * FashionMnist.SIDE;
        float[] all = new float[count * pixels];
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = from + i;
        }
        data.copyScaled(order, 0, count, all);
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> java.util.Arrays.copyOfRange(all, i * pixels, (i + 1) * pixels)).toList();
    }

    /** {@code count} shapes of a split (seed) from index {@code from}, as 3×64×64 pixels in [0, 1]. */
    public static List<float[]> shapes(long seed, int from, int count) {
        SyntheticShapes shapes = SyntheticShapes.create(64);
        return java.util.stream.IntStream.range(from, from + count)
                .mapToObj(i -> Images.toChw(shapes.sample(seed, i).image(), 3, 64, 64)).toList();
    }

    /** The nearest directory, from the working directory up, that holds {@code samples/pom.xml}. */
    public static Path root() {
        Path cwd = Paths.get("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("samples").resolve("pom.xml"))) {
                return p;
            }
        }
        return cwd;
    }
}
