package io.github.explain4j.samples.fashion;

import ai.djl.Model;
import io.github.explain4j.adversarial.AdversarialExamples;
import io.github.explain4j.api.Images;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.adversarial.FoolingImage;
import io.github.explain4j.djl.adversarial.Fgsm;
import io.github.explain4j.djl.adversarial.Pgd;
import io.github.explain4j.render.Colormap;
import io.github.explain4j.render.Heatmaps;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Adversarial examples and fooling images of FashionNet in one picture, {@code docs/gallery/
 * fashion-adversarial-ENGINE.png}. Above, one row per test image (the first ones the model gets right, of distinct
 * classes): the clean image with the model's class and probability, the FGSM image (L∞ ε = 0.1; Goodfellow et al.
 * 2015) and its perturbation, the PGD image (L∞ ε = 0.1, 40 steps of 2.5ε/40 = 0.00625, random start, seed 1; Madry
 * et al. 2018) and its perturbation. Each adversarial image is captioned with the class the model now gives and its
 * probability, each perturbation drawn in diverging colours on a fixed scale (−ε full blue, +ε full red). Below, one
 * fooling image per class grown from uniform noise ({@link FoolingImage}, seed 1; Nguyen et al. 2015) with the
 * probability the model gives it.
 *
 * <pre>
 * OMP_NUM_THREADS=1 mvn -o -q -pl samples -am compile exec:java \
 *     -Dexec.mainClass=io.github.explain4j.samples.fashion.FashionAdversarial -Dexec.args="PyTorch 4"
 * </pre>
 *
 * Arguments: the engine (PyTorch), the number of test images shown (4), the output file. {@code Gallery --features}
 * draws it too. About 3 s on PyTorch (OMP_NUM_THREADS=1).
 */
public final class FashionAdversarial {

    /** The L∞ budget of both attacks, in pixel units. */
    static final double EPSILON = 0.1;
    /** How much each picture is enlarged (28 → 140 pixels). */
    static final int ZOOM = 5;

    private FashionAdversarial() {}

    /**
     * What the picture shows.
     *
     * @param clean the test images with the model's class and probability (a zero budget leaves them unchanged)
     * @param fgsm FGSM's adversarial examples
     * @param pgd PGD's adversarial examples
     * @param fooling one fooling image per class
     * @param file the picture
     */
    public record Shown(AdversarialExamples clean, AdversarialExamples fgsm, AdversarialExamples pgd,
            AdversarialExamples fooling, Path file) {}

    /**
     * Draws the picture.
     *
     * @param args engine, number of test images, output file
     * @throws Exception if the model or the data cannot be read, or the picture written
     */
    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "PyTorch";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path root = io.github.explain4j.samples.Gallery.repositoryRoot();
        Path out = args.length > 2 ? Path.of(args[2])
                : root.resolve("docs/gallery/fashion-adversarial-" + engine.toLowerCase(Locale.ROOT) + ".png");
        long start = System.nanoTime();
        try (Model m = FashionNet.load(root.resolve(FashionNet.COMMITTED_DIR), engine)) {
            Shown shown = write(FashionNet.explainable(m), n, out);
            System.out.print(describe(shown));
        }
        System.out.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Attacks the first {@code n} test images the model gets right (one per class while {@code n} ≤ 10), grows the
     * fooling images, writes the picture.
     */
    public static Shown write(ExplainableModel model, int n, Path file) throws Exception {
        if (n < 1) {
            throw new IllegalArgumentException("number of images was " + n + "; expected 1 or more");
        }
        FashionMnist test = FashionMnist.load(FashionMnist.locate(FashionMnist.Split.TEST), FashionMnist.Split.TEST,
                Math.max(100, 4 * n));
        List<float[]> candidates = new ArrayList<>();
        int[] all = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            float[] x = new float[FashionMnist.SIDE * FashionMnist.SIDE];
            test.copyScaled(new int[] {i}, 0, 1, x);
            candidates.add(x);
            all[i] = test.label(i);
        }
        // a zero budget returns the images as they are, with the model's class and probability
        AdversarialExamples scored = Fgsm.linf(0).attack(model, candidates, all);
        List<float[]> images = new ArrayList<>();
        int[] labels = new int[n];
        boolean[] seen = new boolean[model.numClasses()];
        for (int i = 0; i < candidates.size() && images.size() < n; i++) {
            if (scored.predictions()[i] == all[i] && (!seen[all[i]] || n > seen.length)) {
                seen[all[i]] = true;
                labels[images.size()] = all[i];
                images.add(candidates.get(i));
            }
        }
        if (images.size() < n) {
            throw new IllegalStateException("only " + images.size() + " of " + candidates.size() + " test images"
                    + " are classified right, of distinct classes; ask for fewer");
        }
        AdversarialExamples clean = Fgsm.linf(0).attack(model, images, labels);
        AdversarialExamples fgsm = Fgsm.linf(EPSILON).attack(model, images, labels);
        AdversarialExamples pgd = Pgd.linf(EPSILON).steps(40).seed(1).attack(model, images, labels);
        int classes = model.numClasses();
        int[] targets = new int[classes];
        for (int k = 0; k < classes; k++) {
            targets[k] = k;
        }
        AdversarialExamples fooling = FoolingImage.toClasses(targets).seed(1).generate(model);
        List<String> names = model.spec().labels();

        List<BufferedImage> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cells.add(picture(clean.image(i)));
            captions.add(caption("", names, clean, i));
            for (AdversarialExamples adv : List.of(fgsm, pgd)) {
                cells.add(picture(adv.image(i)));
                captions.add(caption(adv == fgsm ? "FGSM: " : "PGD: ", names, adv, i));
                cells.add(perturbation(adv.image(i), adv.original(i)));
                captions.add(String.format(Locale.ROOT, "δ, ‖δ‖∞ = %.2f", adv.perturbation(i)));
            }
        }
        BufferedImage attacks = Heatmaps.grid(cells, captions, 5);
        List<BufferedImage> fools = new ArrayList<>();
        List<String> foolCaptions = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            fools.add(picture(fooling.image(k)));
            foolCaptions.add(caption("", names, fooling, k));
        }
        BufferedImage noise = Heatmaps.grid(fools, foolCaptions, 5);
        BufferedImage picture = column(Heatmaps.grid(List.of(attacks), List.of(String.format(Locale.ROOT,
                "FashionNet: clean, FGSM and PGD-40 (L∞ ε = %.1f) with δ (blue −%.1f … red +%.1f)", EPSILON, EPSILON,
                EPSILON)), 1), Heatmaps.grid(List.of(noise), List.of("fooling images grown from noise, one per class"),
                1));
        Heatmaps.write(picture, file);
        return new Shown(clean, fgsm, pgd, fooling, file);
    }

    /** The numbers the picture shows, one line per image. */
    static String describe(Shown s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.clean().size(); i++) {
            b.append(String.format(Locale.ROOT, "image %d: label %d p=%.3f; FGSM → %d p=%.3f; PGD → %d p=%.3f%n", i,
                    s.clean().labels()[i], s.clean().confidences()[i], s.fgsm().predictions()[i],
                    s.fgsm().confidences()[i], s.pgd().predictions()[i], s.pgd().confidences()[i]));
        }
        for (int k = 0; k < s.fooling().size(); k++) {
            b.append(String.format(Locale.ROOT, "fooling %d → %d p=%.4f%n", k, s.fooling().predictions()[k],
                    s.fooling().confidences()[k]));
        }
        return b.toString();
    }

    /** The class the model gives image {@code i} and its probability. */
    private static String caption(String prefix, List<String> names, AdversarialExamples a, int i) {
        return String.format(Locale.ROOT, "%s%s %.2f", prefix, names.get(a.predictions()[i]), a.confidences()[i]);
    }

    /** A grey image, enlarged with its pixels kept sharp. */
    private static BufferedImage picture(float[] grey) {
        return zoom(Images.fromChw(grey, 1, FashionMnist.SIDE, FashionMnist.SIDE));
    }

    /** {@code adversarial − original} in diverging colours on a fixed scale: −ε blue, 0 white, +ε red. */
    private static BufferedImage perturbation(float[] adversarial, float[] original) {
        int side = FashionMnist.SIDE;
        BufferedImage map = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < adversarial.length; i++) {
            double t = 0.5 + (adversarial[i] - original[i]) / (2 * EPSILON);
            map.setRGB(i % side, i / side, Colormap.DIVERGING.argb(Math.max(0, Math.min(1, t))));
        }
        return zoom(map);
    }

    /** The images one under the other on white, {@link Heatmaps#GRID_GAP} pixels apart, left-aligned. */
    private static BufferedImage column(BufferedImage... parts) {
        int width = 0;
        int height = -Heatmaps.GRID_GAP;
        for (BufferedImage p : parts) {
            width = Math.max(width, p.getWidth());
            height += p.getHeight() + Heatmaps.GRID_GAP;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, width, height);
            int y = 0;
            for (BufferedImage p : parts) {
                g.drawImage(p, 0, y, null);
                y += p.getHeight() + Heatmaps.GRID_GAP;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage zoom(BufferedImage image) {
        return io.github.explain4j.samples.Gallery.zoom(image, ZOOM);
    }
}
