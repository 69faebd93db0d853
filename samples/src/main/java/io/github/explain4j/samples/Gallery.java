package io.github.explain4j.samples;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Attributor;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.CustomTarget;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.InputXGradient;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
import io.github.explain4j.djl.backprop.Deconvnet;
import io.github.explain4j.djl.backprop.GuidedBackprop;
import io.github.explain4j.djl.backprop.Lrp;
import io.github.explain4j.djl.cam.AblationCam;
import io.github.explain4j.djl.cam.Cam;
import io.github.explain4j.djl.cam.EigenCam;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.cam.GradCamPlusPlus;
import io.github.explain4j.djl.cam.HiResCam;
import io.github.explain4j.djl.cam.LayerCam;
import io.github.explain4j.djl.cam.ScoreCam;
import io.github.explain4j.djl.cam.XGradCam;
import io.github.explain4j.djl.combined.GuidedGradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.perturbation.Lime;
import io.github.explain4j.djl.perturbation.Occlusion;
import io.github.explain4j.djl.perturbation.Rise;
import io.github.explain4j.djl.tfjs.TfjsModels;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.render.Heatmaps;
import io.github.explain4j.render.Overlay;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The README's main job: explains the bundled models' predictions with every method and writes a gallery of
 * PNG grids (one row per image: the input, then one overlay per method) to a folder it prints.
 *
 * <pre>
 * Gallery [--out DIR] [--engine PyTorch|MXNet|both] [--image FILE ...] [--features] [--inside]
 * </pre>
 * Without {@code --image} it explains held-out images of the synthetic shapes set with the bundled
 * {@link ShapesNet} on each engine, then real photos with the imported TF.js networks (the emotion classifier on
 * the astronaut, MobileNetV2's backbone on chelsea, coffee and rocket); with {@code --image} it explains the given
 * files with ShapesNet. With {@code --features} it also draws what the networks want to see
 * ({@link FeatureGallery}: class images, MobileNetV2's channels, DeepDream, FashionNet's adversarial and fooling
 * images; several minutes) on the first engine;
 * with {@code --inside}, the networks' insides ({@link InsideGallery}: filters, activations, top-9 patches).
 */
public final class Gallery {

    private Gallery() {}

    /** Runs the gallery. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of("gallery");
        List<String> engines = List.of("PyTorch", "MXNet");
        List<Path> images = new ArrayList<>();
        boolean features = false;
        boolean inside = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--engine" -> {
                    String e = value(args, ++i, "--engine");
                    engines = e.equalsIgnoreCase("both") ? List.of("PyTorch", "MXNet") : List.of(e);
                }
                case "--image" -> images.add(Path.of(value(args, ++i, "--image")));
                case "--features" -> features = true;
                case "--inside" -> inside = true;
                case "--help", "-h" -> {
                    System.out.println("usage: Gallery [--out DIR] [--engine PyTorch|MXNet|both] [--image FILE ...]"
                            + " [--features] [--inside]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; expected --out DIR, --engine PyTorch|MXNet|both, --image FILE, --features or"
                        + " --inside");
            }
        }
        long start = System.nanoTime();
        for (String engine : engines) {
            Path file = shapesGallery(engine, images, out);
            System.out.println("wrote " + file.toAbsolutePath());
        }
        if (images.isEmpty()) {
            // the real photos through the imported networks, on the first engine
            for (Path file : photoGalleries(engines.get(0), repositoryRoot(), out)) {
                System.out.println("wrote " + file.toAbsolutePath());
            }
        }
        if (features) {
            FeatureGallery.write(engines.get(0), repositoryRoot(), out);
        }
        if (inside) {
            for (Path file : InsideGallery.write(engines.get(0), out)) {
                System.out.println("wrote " + file.toAbsolutePath());
            }
        }
        System.out.printf(Locale.ROOT, "gallery in %s (%.1f s)%n", out.toAbsolutePath(),
                (System.nanoTime() - start) / 1e9);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** The methods shown, in column order, with Grad-CAM at {@code camLayer} (null: the last spatial layer). */
    static Map<String, AttributionMethod> methods(String camLayer, int samples) {
        Map<String, AttributionMethod> m = new LinkedHashMap<>();
        m.put("Saliency", Saliency.create());
        m.put("Input x Gradient", InputXGradient.create());
        m.put("SmoothGrad", SmoothGrad.of(Saliency.create()).samples(samples).noise(0.15).seed(1).batchSize(8));
        m.put("Integrated Gradients", IntegratedGradients.create().steps(samples).batchSize(8));
        m.put("Grad-CAM", camLayer == null ? GradCam.create() : GradCam.at(camLayer));
        return m;
    }

    private static Path shapesGallery(String engine, List<Path> files, Path out) throws Exception {
        List<BufferedImage> inputs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (files.isEmpty()) {
            SyntheticShapes shapes = SyntheticShapes.create(64);
            for (int i = 0; i < 6; i++) {
                SyntheticShapes.Sample s = shapes.sample(SyntheticShapes.TEST_SEED, i);
                inputs.add(s.image());
                names.add("held-out #" + i + " (" + SyntheticShapes.CLASSES.get(s.label()) + ")");
            }
        } else {
            for (Path f : files) {
                inputs.add(Images.read(f));
                names.add(f.getFileName().toString());
            }
        }
        try (Model model = ShapesNet.load(engine)) {
            return section(ShapesNet.explainable(model), inputs, names, methods(null, 32), Target.topPrediction(),
                    out.resolve("shapes-" + engine.toLowerCase(Locale.ROOT) + ".png"));
        }
    }

    /** Real photos through the imported TF.js models. */
    private static List<Path> photoGalleries(String engine, Path root, Path out) throws Exception {
        List<Path> written = new ArrayList<>();
        Path images = root.resolve("assets/images");
        try (Model emotion = TfjsModels.emotion(root.resolve("models"), engine)) {
            ExplainableModel model = ExplainableModel.of(emotion, InputSpec.grey(64, 64)
                    .normalized(new float[] {0.5f}, new float[] {0.5f}).withLabels(TfjsModels.labels(emotion)))
                    .withOutputLayer("global_average_pooling2d_1")
                    .withName("emotion (mini-Xception)");
            BufferedImage astronaut = Images.read(images.resolve("astronaut.png"));
            List<BufferedImage> crops = List.of(astronaut.getSubimage(150, 20, 140, 140),
                    astronaut.getSubimage(90, 0, 260, 260));
            written.add(section(model, crops, List.of("astronaut, face", "astronaut, head and shoulders"),
                    methods("add_2", 32), Target.label("happy"),
                    out.resolve("emotion-" + engine.toLowerCase(Locale.ROOT) + ".png")));
            written.add(allMethods(model, crops.get(1), "add_2", Target.label("happy"),
                    out.resolve("all-methods-" + engine.toLowerCase(Locale.ROOT) + ".png")));
        }
        try (Model mobilenet = TfjsModels.mobileNetV2(root.resolve("models"), engine)) {
            // the backbone's pooled features (stock ImageNet weights up to block_10): explain each photo's
            // strongest feature, since the fine-tuned head's classes are not for demos
            ExplainableModel model = ExplainableModel.of(mobilenet, InputSpec.rgb(224, 224))
                    .withOutputLayer("flatten_1").withName("MobileNetV2 backbone");
            List<BufferedImage> photos = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (String name : List.of("chelsea.png", "coffee.png", "rocket.jpg")) {
                photos.add(Images.read(images.resolve(name)));
                names.add(name);
            }
            CustomTarget strongest = CustomTarget.of(features -> features.max(new int[] {1}),
                    "strongest pooled feature");
            written.add(section(model, photos, names, methods("block_13_expand_relu", 16), strongest,
                    out.resolve("mobilenet-" + engine.toLowerCase(Locale.ROOT) + ".png")));
        }
        return written;
    }

    /** Every method of the library on one image, side by side. */
    static Map<String, AttributionMethod> everyMethod(String camLayer) {
        Map<String, AttributionMethod> m = new LinkedHashMap<>(methods(camLayer, 32));
        m.put("Guided Backprop", GuidedBackprop.create());
        m.put("Deconvnet", Deconvnet.create());
        m.put("Guided Grad-CAM", GuidedGradCam.at(camLayer));
        m.put("LRP-ε", Lrp.epsilon(1e-6));
        m.put("LRP-αβ", Lrp.alphaBeta(1, 0));
        // this network ends in class maps (conv2d_5) averaged into logits: CAM reads those maps
        m.put("CAM (conv2d_5)", Cam.at("conv2d_5"));
        m.put("Grad-CAM++", GradCamPlusPlus.at(camLayer));
        m.put("XGrad-CAM", XGradCam.at(camLayer));
        m.put("HiResCAM", HiResCam.at(camLayer));
        m.put("Layer-CAM", LayerCam.at(camLayer));
        m.put("Eigen-CAM", EigenCam.at(camLayer));
        m.put("Score-CAM", ScoreCam.at(camLayer));
        m.put("Ablation-CAM", AblationCam.at(camLayer));
        m.put("Occlusion", Occlusion.create().window(8).stride(4).batchSize(64));
        m.put("RISE", Rise.create().masks(500).cells(8).batchSize(64).seed(1));
        m.put("LIME", Lime.create().superpixels(25).samples(300).batchSize(64).seed(1));
        return m;
    }

    private static Path allMethods(ExplainableModel model, BufferedImage image, String camLayer, Target target,
            Path file) throws Exception {
        int cell = 192;
        BufferedImage shown = Images.resize(image, cell, cell);
        List<BufferedImage> cells = new ArrayList<>(List.of(shown));
        List<String> captions = new ArrayList<>(List.of("input → " + target.describe()));
        Overlay overlay = Overlay.alpha(0.55).clip(99);
        for (Map.Entry<String, AttributionMethod> e : everyMethod(camLayer).entrySet()) {
            cells.add(overlay.apply(shown, e.getValue().explain(model, image, target)));
            captions.add(e.getKey());
        }
        Heatmaps.write(Heatmaps.grid(cells, captions, 6), file);
        return file;
    }

    private static Path section(ExplainableModel model, List<BufferedImage> inputs, List<String> names,
            Map<String, ? extends Attributor<ExplainableModel, BufferedImage>> methods, Target target, Path file)
            throws Exception {
        int cell = 192;
        Map<String, List<Attribution>> results = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends Attributor<ExplainableModel, BufferedImage>> e : methods.entrySet()) {
            results.put(e.getKey(), e.getValue().explain(model, inputs, target));
        }
        Overlay overlay = Overlay.alpha(0.55).clip(99);
        List<BufferedImage> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            BufferedImage shown = Images.resize(inputs.get(i), cell, cell);
            cells.add(shown);
            captions.add(names.get(i));
            for (Map.Entry<String, List<Attribution>> e : results.entrySet()) {
                Attribution a = e.getValue().get(i);
                cells.add(overlay.apply(shown, a));
                int cls = a.provenance().targetClass();
                List<String> labels = model.spec().labels();
                captions.add(e.getKey() + (cls >= 0 && cls < labels.size() ? " → " + labels.get(cls) : ""));
            }
        }
        Heatmaps.write(Heatmaps.grid(cells, captions, methods.size() + 1), file);
        return file;
    }

    /** The repository root: the first folder upwards from the working directory that holds {@code models/}. */
    public static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !java.nio.file.Files.isDirectory(p.resolve("models"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository's models/ folder above "
                    + Path.of("").toAbsolutePath() + "; run the gallery from the explain4j checkout");
        }
        return p;
    }

    /** Enlarged by an integer factor, pixels kept sharp. */
    public static BufferedImage zoom(BufferedImage image, int factor) {
        BufferedImage out = new BufferedImage(image.getWidth() * factor, image.getHeight() * factor,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
