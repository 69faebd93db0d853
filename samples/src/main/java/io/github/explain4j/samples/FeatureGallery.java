package io.github.explain4j.samples;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.optim.DeepDream;
import io.github.explain4j.djl.optim.FeatureVisualization;
import io.github.explain4j.djl.tfjs.TfjsModels;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import io.github.explain4j.render.Heatmaps;
import io.github.explain4j.samples.fashion.FashionAdversarial;
import io.github.explain4j.samples.fashion.FashionNet;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gallery's feature visualisations ({@code Gallery --features}): what the bundled networks' classes and
 * MobileNetV2's channels want to see, and DeepDream of a photo. Each picture is timed on the console.
 *
 * <ul>
 *   <li>{@code shapes-classes-ENGINE.png}: ShapesNet's three class images (Lucid's defaults, 256 steps, seed =
 *       class index), each captioned with the probability the network gives it;</li>
 *   <li>{@code fashion-classes-ENGINE.png}: FashionNet's ten class images, likewise with 64 steps (grey, 28×28,
 *       shown 5×);</li>
 *   <li>{@code mobilenet-channels-ENGINE.png}: four channels of each of four layers of the imported MobileNetV2
 *       backbone (the layers whose weights are ImageNet's), optimised at 128×128 as Lucid does, 256 steps, seed 1;
 *       each captioned with the channel's mean activation reached;</li>
 *   <li>{@code deepdream-ENGINE.png}: a photo and its DeepDream through a MobileNetV2 layer, at the photo's own
 *       size, with the original's settings (4 octaves of 1.4, 10 steps each), seed 1;</li>
 *   <li>{@code fashion-adversarial-ENGINE.png}: FashionNet's adversarial examples (FGSM and PGD-40, L∞ 0.1) of four
 *       test images with their perturbations, and its fooling images of the ten classes ({@link
 *       FashionAdversarial}; about 3 s).</li>
 * </ul>
 */
final class FeatureGallery {

    /** Steps of the ShapesNet class images: the circle's logit climbs only after about 130 steps. */
    static final int SHAPES_STEPS = 256;
    /** Steps of the FashionNet class images: every class is at p ≥ 0.9999 after 64 (FashionNetClassImageTest). */
    static final int FASHION_STEPS = 64;
    /** The MobileNetV2 layers shown, shallow to deep, and the side of the optimised images. */
    static final List<String> MOBILENET_LAYERS = List.of("block_3_expand_relu", "block_6_expand_relu",
            "block_8_expand_relu", "block_10_expand_relu");
    static final int CHANNELS_PER_LAYER = 4;
    static final int MOBILENET_SIDE = 128;
    static final int MOBILENET_STEPS = 256;
    /** The DeepDream: photo, layer and settings. */
    static final String DREAM_PHOTO = "chelsea.png";
    static final String DREAM_LAYER = "block_6_expand_relu";

    private FeatureGallery() {}

    /** Writes every picture for {@code engine} into {@code out}; returns the files. */
    static List<Path> write(String engine, Path root, Path out) throws Exception {
        String suffix = "-" + engine.toLowerCase(Locale.ROOT) + ".png";
        List<Path> written = new ArrayList<>();
        written.add(timed("ShapesNet class images", () -> shapesClasses(engine,
                out.resolve("shapes-classes" + suffix))));
        written.add(timed("FashionNet class images", () -> fashionClasses(engine,
                root.resolve(FashionNet.COMMITTED_DIR), out.resolve("fashion-classes" + suffix))));
        written.add(timed("FashionNet adversarial and fooling images", () -> {
            try (Model m = FashionNet.load(root.resolve(FashionNet.COMMITTED_DIR), engine)) {
                return FashionAdversarial.write(FashionNet.explainable(m), 4, out.resolve("fashion-adversarial"
                        + suffix)).file();
            }
        }));
        try (Model mobilenet = TfjsModels.mobileNetV2(root.resolve("models"), engine)) {
            ExplainableModel model = ExplainableModel.of(mobilenet, InputSpec.rgb(224, 224))
                    .withName("MobileNetV2 backbone");
            written.add(timed("MobileNetV2 channels", () -> mobileNetChannels(model,
                    out.resolve("mobilenet-channels" + suffix))));
            written.add(timed("DeepDream", () -> deepDream(model, Images.read(root.resolve("assets/images")
                    .resolve(DREAM_PHOTO)), out.resolve("deepdream" + suffix))));
        }
        return written;
    }

    private interface Part {
        Path run() throws Exception;
    }

    private static Path timed(String what, Part part) throws Exception {
        long start = System.nanoTime();
        Path file = part.run();
        System.out.printf(Locale.ROOT, "%s: %.1f s → %s%n", what, (System.nanoTime() - start) / 1e9,
                file.toAbsolutePath());
        return file;
    }

    static Path shapesClasses(String engine, Path file) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            return classImages(ShapesNet.explainable(m), SHAPES_STEPS, 3, 2, file);
        }
    }

    static Path fashionClasses(String engine, Path dir, Path file) throws Exception {
        try (Model m = FashionNet.load(dir, engine)) {
            return classImages(FashionNet.explainable(m), FASHION_STEPS, 5, 5, file);
        }
    }

    /** One class image per label (seed = class index), captioned with the label and the probability reached. */
    private static Path classImages(ExplainableModel model, int steps, int columns, int zoom, Path file)
            throws Exception {
        List<String> labels = model.spec().labels();
        List<BufferedImage> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int k = 0; k < labels.size(); k++) {
            FeatureImage img = FeatureVisualization.of(Objective.classLogit(k)).steps(steps).seed(k).optimize(model);
            float p = probabilities(model, img.image(0))[k];
            cells.add(Gallery.zoom(picture(img), zoom));
            captions.add(String.format(Locale.ROOT, "%s p=%.3f", labels.get(k), p));
        }
        return Heatmaps.write(Heatmaps.grid(cells, captions, columns), file);
    }

    /**
     * Rows of {@link #MOBILENET_LAYERS}, each with the first {@link #CHANNELS_PER_LAYER} channels that respond on the
     * random start (a channel whose ReLU is off everywhere there gets no gradient, as Lucid's users know).
     */
    static Path mobileNetChannels(ExplainableModel model, Path file) throws Exception {
        ExplainableModel small = model.withSpec(InputSpec.rgb(MOBILENET_SIDE, MOBILENET_SIDE));
        List<BufferedImage> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (String layer : MOBILENET_LAYERS) {
            int found = 0;
            for (int ch = 0; found < CHANNELS_PER_LAYER; ch++) {
                FeatureVisualization fv = FeatureVisualization.of(Objective.channel(layer, ch)).steps(MOBILENET_STEPS)
                        .seed(1);
                FeatureImage img = fv.steps(1).optimize(small);
                if (!(img.objectiveHistory()[0] > 0)) {
                    continue;
                }
                img = fv.optimize(small);
                cells.add(picture(img));
                double[] h = img.objectiveHistory();
                captions.add(String.format(Locale.ROOT, "%s #%d: %.2f", layer.replace("_expand_relu", ""), ch,
                        h[h.length - 1]));
                found++;
            }
        }
        return Heatmaps.write(Heatmaps.grid(cells, captions, CHANNELS_PER_LAYER), file);
    }

    /** The photo at its own size (the layers up to {@link #DREAM_LAYER} are convolutional) and its dream. */
    static Path deepDream(ExplainableModel model, BufferedImage photo, Path file) throws Exception {
        ExplainableModel sized = model.withSpec(InputSpec.rgb(photo.getHeight(), photo.getWidth()));
        FeatureImage dream = DeepDream.of(DREAM_LAYER).seed(1).dream(sized, photo);
        return Heatmaps.write(Heatmaps.grid(List.of(Images.resize(photo, photo.getWidth(), photo.getHeight()),
                picture(dream)), List.of(DREAM_PHOTO, "DeepDream(" + DREAM_LAYER + "), " + dream.provenance()
                .parameters().get("octaves") + " octaves"), 2), file);
    }

    private static BufferedImage picture(FeatureImage img) {
        return Images.fromChw(img.image(0), img.channels(), img.height(), img.width());
    }


    /** The softmax of the model's output for one image in pixel space. */
    private static float[] probabilities(ExplainableModel model, float[] pixels) {
        return model.call(scope -> {
            NDArray out = model.seam().forward(scope, model.pixelsToInput(scope, pixels));
            return out.softmax(1).toFloatArray();
        });
    }
}
