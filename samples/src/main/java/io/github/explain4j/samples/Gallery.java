package io.github.explain4j.samples;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.AttributionMethod;
import io.github.explain4j.djl.attribution.InputXGradient;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.render.Heatmaps;
import io.github.explain4j.render.Overlay;
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
 * Gallery [--out DIR] [--engine PyTorch|MXNet|both] [--image FILE ...]
 * </pre>
 * Without {@code --image} it explains held-out images of the synthetic shapes set with the bundled
 * {@link ShapesNet}; with {@code --image} it explains the given files with it.
 */
public final class Gallery {

    private Gallery() {}

    /** Runs the gallery. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of("gallery");
        List<String> engines = List.of("PyTorch", "MXNet");
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--engine" -> {
                    String e = value(args, ++i, "--engine");
                    engines = e.equalsIgnoreCase("both") ? List.of("PyTorch", "MXNet") : List.of(e);
                }
                case "--image" -> images.add(Path.of(value(args, ++i, "--image")));
                case "--help", "-h" -> {
                    System.out.println("usage: Gallery [--out DIR] [--engine PyTorch|MXNet|both] [--image FILE ...]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; expected --out DIR, --engine PyTorch|MXNet|both or --image FILE");
            }
        }
        long start = System.nanoTime();
        for (String engine : engines) {
            Path file = shapesGallery(engine, images, out);
            System.out.println("wrote " + file.toAbsolutePath());
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

    /** The methods shown, in column order. */
    static Map<String, AttributionMethod> methods() {
        Map<String, AttributionMethod> m = new LinkedHashMap<>();
        m.put("Saliency", Saliency.create());
        m.put("Input x Gradient", InputXGradient.create());
        m.put("SmoothGrad", SmoothGrad.of(Saliency.create()).samples(32).noise(0.15).seed(1));
        m.put("Integrated Gradients", IntegratedGradients.create().steps(32).batchSize(32));
        m.put("Grad-CAM", GradCam.create());
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
        int cell = 192;
        List<BufferedImage> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        Overlay overlay = Overlay.alpha(0.55);
        try (Model model = ShapesNet.load(engine)) {
            ExplainableModel explainable = ShapesNet.explainable(model);
            Map<String, List<Attribution>> results = new LinkedHashMap<>();
            for (Map.Entry<String, AttributionMethod> e : methods().entrySet()) {
                results.put(e.getKey(), e.getValue().explain(explainable, inputs, Target.topPrediction()));
            }
            for (int i = 0; i < inputs.size(); i++) {
                BufferedImage shown = Images.resize(inputs.get(i), cell, cell);
                cells.add(shown);
                captions.add(names.get(i));
                for (Map.Entry<String, List<Attribution>> e : results.entrySet()) {
                    Attribution a = e.getValue().get(i);
                    cells.add(overlay.apply(shown, a));
                    String label = explainable.spec().labels().get(a.provenance().targetClass());
                    captions.add(e.getKey() + " → " + label);
                }
            }
        }
        Path file = out.resolve("shapes-" + engine.toLowerCase(Locale.ROOT) + ".png");
        Heatmaps.write(Heatmaps.grid(cells, captions, methods().size() + 1), file);
        return file;
    }
}
