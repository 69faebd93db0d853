package io.github.explain4j.samples.inversion;

import ai.djl.Model;
import io.github.explain4j.api.Images;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.optim.FeatureInversion;
import io.github.explain4j.djl.optim.InversionDecoder;
import io.github.explain4j.djl.optim.LearnedInversion;
import io.github.explain4j.optim.Inversion;
import io.github.explain4j.render.Heatmaps;
import io.github.explain4j.samples.fashion.FashionMnist;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The inversion report and pictures (issue 11): for FashionNet and ShapesNet, held-out images reconstructed from
 * each of three layers, shallow to deep, by optimisation ({@link FeatureInversion}, Mahendran &amp; Vedaldi 2015)
 * and by the committed decoders ({@link LearnedInversion}, Dosovitskiy &amp; Brox 2016).
 *
 * <ul>
 *   <li>{@code docs/gallery/inversion-fashion.jpg}, {@code inversion-shapes.jpg}: one row per image; the image,
 *       then per layer its optimised and its learned reconstruction;</li>
 *   <li>on the console, a Markdown table per model: per layer, on held-out images, the optimised inversion's
 *       relative feature error and pixel MSE, the learned inversion's pixel MSE and relative feature error, and the
 *       pixel MSE of the mean training image (the baseline that knows nothing of the image).</li>
 * </ul>
 *
 * <pre>
 * mvn -o -q -pl samples -am install -DskipTests
 * OMP_NUM_THREADS=1 mvn -o -q -pl samples exec:java \
 *     -Dexec.mainClass=io.github.explain4j.samples.inversion.InversionGallery
 * </pre>
 * Options ({@code -Dexec.args="..."}): {@code --engine PyTorch|MXNet} (default PyTorch), {@code --rows N} images
 * shown (default 4), {@code --optimised N} held-out images in the optimised rows of the table (default 8),
 * {@code --learned N} in the learned rows (default 500), {@code --steps N} of the optimisation (default 200),
 * {@code --tv λ} its total-variation weight (default
 * 0.01, a hundred times FeatureInversion's default: deep layers leave the image under-determined, and a stronger
 * prior keeps their reconstructions from high-frequency noise, as the paper weights its regulariser more there),
 * {@code --out DIR} (default {@code docs/gallery}).
 */
public final class InversionGallery {

    private InversionGallery() {}

    /** Writes the pictures and prints the tables. */
    public static void main(String[] args) throws Exception {
        String engine = "PyTorch";
        int rows = 4;
        int optimised = 8;
        int learned = 500;
        int steps = 200;
        double tv = 1e-2;
        Path out = InversionFixtures.root().resolve("docs/gallery");
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--engine" -> engine = v;
                case "--rows" -> rows = Integer.parseInt(v);
                case "--optimised" -> optimised = Integer.parseInt(v);
                case "--learned" -> learned = Integer.parseInt(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--tv" -> tv = Double.parseDouble(v);
                case "--out" -> out = Paths.get(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (InversionFixtures f : InversionFixtures.values()) {
            long t0 = System.nanoTime();
            report(f, engine, rows, optimised, learned, steps, tv, out.resolve("inversion-" + f.key() + ".jpg"));
            System.out.printf(Locale.ROOT, "(%s: %.0f s)%n%n", f.key(), (System.nanoTime() - t0) / 1e9);
        }
    }

    static void report(InversionFixtures f, String engine, int rows, int optimised, int learned, int steps,
            double tv, Path file) throws Exception {
        List<float[]> heldOut = f.heldOut(0, Math.max(learned, Math.max(rows, optimised)));
        float[] mean = meanImage(f);
        int size = mean.length;
        double baseline = heldOut.subList(0, learned).stream().mapToDouble(x -> mse(mean, x)).average()
                .orElseThrow();
        List<BufferedImage> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%s on %s (held-out images; optimised:"
                + " %d images, %d steps, λ_TV %s; learned: %d images; mean training image: pixel MSE %.5f)%n%n"
                + "| layer | optimised: relative feature error | optimised:"
                + " pixel MSE | learned: pixel MSE | learned / mean image | learned: relative feature error |%n"
                + "|---|---:|---:|---:|---:|---:|%n", f == InversionFixtures.FASHION ? "FashionNet" : "ShapesNet",
                engine, optimised, steps, tv, learned, baseline));
        try (Model m = f.load(engine)) {
            ExplainableModel model = f.explainable(m);
            Inversion[][] shown = new Inversion[rows][2 * f.layers().size()];
            for (int l = 0; l < f.layers().size(); l++) {
                String layer = f.layers().get(l);
                double featureOpt = 0;
                double pixelOpt = 0;
                for (int i = 0; i < optimised; i++) {
                    Inversion inv = FeatureInversion.of(layer).steps(steps).tvWeight(tv).seed(i)
                            .invert(model, heldOut.get(i));
                    featureOpt += inv.relativeFeatureError().get(layer) / optimised;
                    pixelOpt += mse(inv.image(), heldOut.get(i)) / optimised;
                    if (i < rows) {
                        shown[i][2 * l] = inv;
                    }
                }
                double pixelLearned = 0;
                double featureLearned = 0;
                try (InversionDecoder decoder = InversionDecoder.load(f.decoder(layer), engine)) {
                    LearnedInversion li = LearnedInversion.at(layer, decoder);
                    for (int from = 0; from < learned; from += 100) {
                        List<float[]> chunk = heldOut.subList(from, Math.min(learned, from + 100));
                        List<Inversion> inv = li.invertAll(model, chunk);
                        for (int i = 0; i < chunk.size(); i++) {
                            pixelLearned += mse(inv.get(i).image(), chunk.get(i)) / learned;
                            featureLearned += inv.get(i).relativeFeatureError().get(layer) / learned;
                            if (from + i < rows) {
                                shown[from + i][2 * l + 1] = inv.get(i);
                            }
                        }
                    }
                }
                table.append(String.format(Locale.ROOT, "| %s | %.4f | %.5f | %.5f | %.3f | %.4f |%n",
                        f.titles().get(l), featureOpt, pixelOpt, pixelLearned, pixelLearned / baseline,
                        featureLearned));
            }
            int c = model.spec().channels();
            int h = model.spec().height();
            int w = model.spec().width();
            int scale = h < 48 ? 3 : 2;
            for (int i = 0; i < rows; i++) {
                cells.add(big(Images.fromChw(heldOut.get(i), c, h, w), scale));
                captions.add("image");
                for (int l = 0; l < f.layers().size(); l++) {
                    String name = f.titles().get(l).split(" ")[0];
                    cells.add(big(Images.fromChw(shown[i][2 * l].image(), c, h, w), scale));
                    captions.add(name + " opt.");
                    cells.add(big(Images.fromChw(shown[i][2 * l + 1].image(), c, h, w), scale));
                    captions.add(name + " learned");
                }
            }
        }
        System.out.print(table);
        BufferedImage grid = Heatmaps.grid(cells, captions, 1 + 2 * f.layers().size());
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(grid, "jpg", file.toFile());
        System.out.println("wrote " + file + " (" + Files.size(file) + " bytes)");
    }

    /** The mean training image: Fashion-MNIST's training split if installed, else its test split; shapes 0–999. */
    static float[] meanImage(InversionFixtures f) throws Exception {
        List<float[]> images;
        if (f == InversionFixtures.FASHION) {
            Path dir = Files.isRegularFile(Paths.get(FashionMnist.DEFAULT_DIR, "train-images-idx3-ubyte.gz"))
                    ? Paths.get(FashionMnist.DEFAULT_DIR)
                    : InversionFixtures.root().resolve(FashionMnist.COMMITTED_DIR);
            FashionMnist.Split split = dir.startsWith(FashionMnist.DEFAULT_DIR) ? FashionMnist.Split.TRAIN
                    : FashionMnist.Split.TEST;
            FashionMnist data = FashionMnist.load(dir, split);
            images = InversionFixtures.fashion(data, 0, data.size());
        } else {
            images = InversionFixtures.shapes(SyntheticShapes.TRAIN_SEED, 0, 1000);
        }
        float[] mean = new float[images.get(0).length];
        for (float[] x : images) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += x[j] / images.size();
            }
        }
        return mean;
    }

    static double mse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return s / a.length;
    }

    private static BufferedImage big(BufferedImage image, int scale) {
        BufferedImage out = new BufferedImage(image.getWidth() * scale, image.getHeight() * scale,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }
}
