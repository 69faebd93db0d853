package io.github.explain4j.samples;

import ai.djl.Model;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.optim.StyleTransfer;
import io.github.explain4j.djl.optim.TextureSynthesis;
import io.github.explain4j.djl.tfjs.TfjsModels;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.render.Heatmaps;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Texture synthesis and style transfer (Gatys, Ecker &amp; Bethge 2015, 2016) with the imported MobileNetV2
 * backbone: the texture of van Gogh's <i>The Starry Night</i> grown from noise, and bundled photos painted in its
 * style. Each picture is timed on the console.
 *
 * <pre>
 * mvn -pl samples -am compile exec:java -Dexec.mainClass=io.github.explain4j.samples.StyleGallery \
 *     -Dexec.args="[--out DIR] [--engine PyTorch|MXNet] [--steps N] [--style-weight W] [--learning-rate LR] [--tv W]
 *     [--photo FILE ...] [--texture-only | --no-texture]"
 * </pre>
 *
 * <p><b>The layers.</b> The only ImageNet-trained features available offline are MobileNetV2's up to
 * {@code block_10} (the later blocks were fine-tuned by nsfwjs). Gatys et al. match VGG's {@code conv1_1} …
 * {@code conv5_1}, the first layer of each resolution, and keep the content at {@code conv4_2}, the second layer of
 * the fourth stage. The same choice on MobileNetV2 takes the stem's ReLU and the first expansion ReLU at each lower
 * resolution that the ImageNet part reaches — {@link #STYLE_LAYERS}: {@code Conv1_relu} (1/2 of the input's side,
 * 32 channels), {@code block_2_expand_relu} (1/4, 144), {@code block_4_expand_relu} (1/8, 192) and
 * {@code block_7_expand_relu} (1/16, 384); there is no fifth, since the 1/32 stage is nsfwjs' — and keeps the
 * content at {@code block_5_expand_relu}, the second expansion at 1/8 ({@link #CONTENT_LAYER}). Shallow layers
 * carry colour and fine strokes, deep ones larger motifs. The backbone is convolutional up to these layers, so any
 * image size works; the pictures are made at {@link #SIDE} pixels on their short side.
 *
 * <ul>
 *   <li>{@code texture-starry_night-ENGINE.jpg}: the painting and its texture, synthesised from noise (Fourier
 *       parameterisation with decorrelated colours, Adam 0.1, seed 1);</li>
 *   <li>{@code style-PHOTO-starry_night-ENGINE.jpg}: each photo, the painting, and the photo painted in its style
 *       (started from the photo, pixels, style weight 1e3, total variation weight 1e-3, Adam 0.1: twice the
 *       library's default rate, for a stronger style in 300 steps).</li>
 * </ul>
 */
public final class StyleGallery {

    /** The style layers: the stem's ReLU and the first expansion ReLU at each resolution of the ImageNet part. */
    static final String[] STYLE_LAYERS = {"Conv1_relu", "block_2_expand_relu", "block_4_expand_relu",
        "block_7_expand_relu"};
    /** The content layer: the second expansion ReLU at 1/8 of the side (as VGG's conv4_2). */
    static final String CONTENT_LAYER = "block_5_expand_relu";
    /** The short side of the pictures. */
    static final int SIDE = 224;
    static final String STYLE = "starry_night.jpg";
    static final List<String> PHOTOS = List.of("chelsea.png", "grace_hopper.jpg");

    private StyleGallery() {}

    /** Runs the gallery. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of("docs/gallery");
        String engine = "PyTorch";
        int steps = 300;
        double styleWeight = 1e3;
        double learningRate = 0.1;
        double totalVariation = 1e-3;
        boolean texture = true;
        List<String> photos = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--engine" -> engine = args[++i];
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--style-weight" -> styleWeight = Double.parseDouble(args[++i]);
                case "--learning-rate" -> learningRate = Double.parseDouble(args[++i]);
                case "--tv" -> totalVariation = Double.parseDouble(args[++i]);
                case "--photo" -> photos.add(args[++i]);
                case "--texture-only" -> photos.add("-");
                case "--no-texture" -> texture = false;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; expected --out"
                        + " DIR, --engine PyTorch|MXNet, --steps N, --style-weight W, --learning-rate LR, --tv W,"
                        + " --photo FILE, --texture-only or --no-texture");
            }
        }
        if (photos.isEmpty()) {
            photos.addAll(PHOTOS);
        }
        Path root = root();
        Files.createDirectories(out);
        String suffix = "-" + engine.toLowerCase(Locale.ROOT) + ".jpg";
        BufferedImage style = Images.read(root.resolve("assets/images").resolve(STYLE));
        try (Model mobilenet = TfjsModels.mobileNetV2(root.resolve("models"), engine)) {
            ExplainableModel backbone = ExplainableModel.of(mobilenet, InputSpec.rgb(224, 224))
                    .withOutputLayer("out_relu").withName("MobileNetV2 backbone");
            long start = System.nanoTime();
            if (texture) {
                write(texture(backbone, style, steps), out.resolve("texture-starry_night" + suffix), start);
            }
            for (String name : photos) {
                if (name.equals("-")) {
                    continue;
                }
                BufferedImage photo = Images.read(root.resolve("assets/images").resolve(name));
                start = System.nanoTime();
                String stem = name.substring(0, name.lastIndexOf('.'));
                write(painted(backbone, style, photo, name, steps, styleWeight, learningRate,
                        totalVariation),
                        out.resolve("style-" + stem + "-starry_night" + suffix), start);
            }
        }
    }

    /** The painting beside its texture, both SIDE × SIDE. */
    static BufferedImage texture(ExplainableModel backbone, BufferedImage style, int steps) {
        ExplainableModel model = backbone.withSpec(InputSpec.rgb(SIDE, SIDE));
        FeatureImage texture = TextureSynthesis.of(style).layers(STYLE_LAYERS).learningRate(0.1).steps(steps)
                .seed(1).synthesize(withProgress(model));
        double[] h = texture.objectiveHistory();
        return Heatmaps.grid(List.of(Images.resize(style, SIDE, SIDE), picture(texture)), List.of(STYLE,
                String.format(Locale.ROOT, "texture, loss ÷%.0f", h[0] / h[h.length - 1])), 2);
    }

    /** The photo, the painting and the photo in its style; the photo keeps its aspect, SIDE on its short side. */
    static BufferedImage painted(ExplainableModel backbone, BufferedImage style, BufferedImage photo, String name,
            int steps, double styleWeight, double learningRate, double totalVariation) {
        int h = photo.getHeight() <= photo.getWidth() ? SIDE
                : (int) Math.round(SIDE * (double) photo.getHeight() / photo.getWidth());
        int w = photo.getHeight() <= photo.getWidth()
                ? (int) Math.round(SIDE * (double) photo.getWidth() / photo.getHeight()) : SIDE;
        ExplainableModel model = backbone.withSpec(InputSpec.rgb(h, w));
        FeatureImage img = StyleTransfer.of(style, photo).styleLayers(STYLE_LAYERS).contentLayer(CONTENT_LAYER)
                .styleWeight(styleWeight).totalVariationWeight(totalVariation).learningRate(learningRate).steps(steps)
                .transfer(withProgress(model));
        return Heatmaps.grid(List.of(Images.resize(photo, w, h), Images.resize(style, w, h), picture(img)),
                List.of(name, STYLE, String.format(Locale.ROOT, "style weight %.3g, %d steps", styleWeight, steps)),
                3);
    }

    private static ExplainableModel withProgress(ExplainableModel model) {
        return model.withProgress((task, done, total) -> {
            if (done % 50 == 0 || done == total) {
                System.out.printf(Locale.ROOT, "  %s: step %d of %d%n", task, done, total);
            }
        });
    }

    private static BufferedImage picture(FeatureImage img) {
        return Images.fromChw(img.image(0), img.channels(), img.height(), img.width());
    }

    private static void write(BufferedImage image, Path file, long start) throws Exception {
        if (!ImageIO.write(image, "jpg", file.toFile())) {
            throw new IllegalStateException("no JPEG writer");
        }
        System.out.printf(Locale.ROOT, "%.1f s → %s%n", (System.nanoTime() - start) / 1e9, file.toAbsolutePath());
    }

    /** The repository's root: the first folder upwards that holds models/ and assets/. */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("models")) && Files.isDirectory(p.resolve("assets"))) {
                return p;
            }
        }
        throw new IllegalStateException("run from inside the repository (no models/ and assets/ above "
                + Path.of("").toAbsolutePath() + ")");
    }
}
