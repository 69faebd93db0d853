package io.github.explain4j.samples.embed;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.inside.Features;
import io.github.explain4j.embed.Embedding;
import io.github.explain4j.embed.NearestNeighbours;
import io.github.explain4j.embed.Pca;
import io.github.explain4j.embed.Trustworthiness;
import io.github.explain4j.embed.Tsne;
import io.github.explain4j.inside.LayerFeatures;
import io.github.explain4j.render.Heatmaps;
import io.github.explain4j.render.ImageMap;
import io.github.explain4j.render.ScatterPlot;
import io.github.explain4j.samples.Gallery;
import io.github.explain4j.samples.fashion.FashionMnist;
import io.github.explain4j.samples.fashion.FashionNet;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Fashion-MNIST test split (10,000 images) seen whole in one feature space, cs231n's "t-SNE of CNN codes" and
 * "nearest neighbours in feature space against pixel space":
 *
 * <ul>
 *   <li>k-NN accuracy ({@value #K} neighbours, majority vote): the first {@value #REFERENCE} test images are the
 *       labelled reference, the last {@value #QUERIES} the queries — a fixed split, no training data needed;</li>
 *   <li>a Barnes–Hut t-SNE (default settings, seed 1) of the first {@code n} images (argument, default 5,000),
 *       its trustworthiness ({@value #TRUST_K} neighbours) over the first {@value #TRUST_POINTS} of them, drawn as
 *       a scatter plot by class ({@code fashion-SPACE-tsne.png}) and as a 40 × 40 Karpathy grid of the images
 *       ({@code fashion-SPACE-tsne-grid.png});</li>
 *   <li>the first two principal components of the same images ({@code fashion-SPACE-pca.png});</li>
 *   <li>the {@value #K} nearest reference images of eight queries ({@code fashion-SPACE-neighbours.png}: one row
 *       per query, the query first with its class in brackets, then its neighbours, nearest first).</li>
 * </ul>
 *
 * The space here is pixels (784 values in [0, 1]); {@link #run(String, float[][], int[], List, Path, int)} takes any
 * {@code float[n][D]} features of the same images in the same order, so that a network's penultimate features plug
 * in with one call and the two sets of figures compare.
 *
 * <pre>
 * OMP_NUM_THREADS=1 mvn -o -q -pl samples -am compile exec:java \
 *     -Dexec.mainClass=io.github.explain4j.samples.embed.FashionEmbedding -Dexec.args="target/embed 5000"
 * </pre>
 *
 * Arguments: the output directory (default {@code target/fashion-embedding}), the number of images embedded by
 * t-SNE (default 5000, at most 10000).
 */
public final class FashionEmbedding {

    /** FashionNet's penultimate layer: the flattened relu3 maps. */
    public static final String CODES = "14LambdaBlock";
    /** Neighbours in the k-NN vote. */
    static final int K = 5;
    /** Reference images: the first of the test split. */
    static final int REFERENCE = 8000;
    /** Query images: the last of the test split. */
    static final int QUERIES = 2000;
    /** Neighbourhood of the trustworthiness. */
    static final int TRUST_K = 12;
    /** Points over which trustworthiness is measured (O(n²)). */
    static final int TRUST_POINTS = 2000;

    /**
     * What one feature space gives.
     *
     * @param space the space's name, e.g. {@code "pixels"}
     * @param knnAccuracy the k-NN accuracy of the queries against the reference
     * @param knnSeconds the wall time of that k-NN search
     * @param knnCpuSeconds the process's CPU time during it (all threads)
     * @param tsne the t-SNE embedding
     * @param tsneSeconds the wall time of the t-SNE, affinities included
     * @param tsneCpuSeconds the process's CPU time during it (all threads)
     * @param trustworthiness the embedding's trustworthiness over its first points
     * @param files the figures written
     */
    public record Figures(String space, double knnAccuracy, double knnSeconds, double knnCpuSeconds, Embedding tsne,
            double tsneSeconds, double tsneCpuSeconds, double trustworthiness, List<Path> files) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d-NN accuracy %.4f (%d queries against %d, %.1f s wall, %.1f s"
                    + " CPU); t-SNE of %d points in %.1f s wall, %.1f s CPU (%s; KL %.3f), trustworthiness(%d) over"
                    + " the first %d: %.4f", space, K, knnAccuracy, QUERIES, REFERENCE, knnSeconds, knnCpuSeconds,
                    tsne.size(), tsneSeconds, tsneCpuSeconds, tsne.method(), tsne.klDivergence(), TRUST_K,
                    Math.min(TRUST_POINTS, tsne.size()), trustworthiness);
        }
    }

    private FashionEmbedding() {}

    /**
     * Runs the pixel-space figures.
     *
     * @param args output directory, number of images for t-SNE
     * @throws Exception if the data cannot be read or the figures written
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/fashion-embedding");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        FashionMnist test = FashionMnist.load(FashionMnist.locate(FashionMnist.Split.TEST),
                FashionMnist.Split.TEST);
        float[][] pixels = new float[test.size()][FashionMnist.SIDE * FashionMnist.SIDE];
        int[] labels = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            test.copyScaled(new int[] {i}, 0, 1, pixels[i]);
            labels[i] = test.label(i);
        }
        List<BufferedImage> thumbnails = thumbnails(test);
        Figures f = run("pixels", pixels, labels, thumbnails, out, n);
        System.out.println(f);
        f.files().forEach(p -> System.out.println("wrote " + p));
        String engine = args.length > 2 ? args[2] : "PyTorch";
        LayerFeatures codes = fashionNetCodes(engine, FashionMnist.locate(FashionMnist.Split.TEST));
        Figures g = run("fashionnet", codes.rows(), codes.labels(), thumbnails, out, n);
        System.out.println(g);
        g.files().forEach(p -> System.out.println("wrote " + p));
    }

    /**
     * FashionNet's penultimate features ({@value #CODES}: relu3's 64 × 7 × 7 maps flattened, the input of its
     * last dense layer) of the whole test split, in order, by one dataset pass.
     */
    public static LayerFeatures fashionNetCodes(String engine, Path dataDir) throws Exception {
        ImageSource source = FashionMnist.source(dataDir, FashionMnist.Split.TEST);
        try (Model m = FashionNet.load(Gallery.repositoryRoot().resolve(FashionNet.COMMITTED_DIR), engine)) {
            return DatasetPass.over(source).batchSize(250).progress(ProgressListener.NONE)
                    .run(FashionNet.explainable(m), Features.of(CODES));
        }
    }

    /** The test images as 28 × 28 grey pictures, dark items on white (inverted from the dataset's). */
    public static List<BufferedImage> thumbnails(FashionMnist data) {
        List<BufferedImage> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            byte[] px = data.pixels(i);
            BufferedImage im = new BufferedImage(FashionMnist.SIDE, FashionMnist.SIDE, BufferedImage.TYPE_BYTE_GRAY);
            for (int j = 0; j < px.length; j++) {
                int v = 255 - (px[j] & 0xFF);
                im.getRaster().setSample(j % FashionMnist.SIDE, j / FashionMnist.SIDE, 0, v);
            }
            out.add(im);
        }
        return out;
    }

    /**
     * The figures of one feature space of the 10,000 test images — the hook for a network's features: pass
     * FashionNet's penultimate activations of the same images, in the same order, as {@code features}.
     *
     * @param space a name for the space, used in titles and file names ({@code "pixels"}, {@code "fashionnet"})
     * @param features {@code 10,000 × D} features, row {@code i} for test image {@code i}
     * @param labels the images' classes
     * @param images the images, for the grid and the neighbour figure
     * @param outDir where the figures go
     * @param tsnePoints how many of the first images t-SNE embeds
     * @return the measured figures
     * @throws Exception if a figure cannot be written
     */
    public static Figures run(String space, float[][] features, int[] labels, List<BufferedImage> images,
            Path outDir, int tsnePoints) throws Exception {
        if (features.length < REFERENCE + QUERIES || labels.length != features.length
                || images.size() != features.length) {
            throw new IllegalArgumentException("expected " + (REFERENCE + QUERIES) + " feature rows, labels and"
                    + " images (the whole test split, in order); got " + features.length + ", " + labels.length
                    + " and " + images.size());
        }
        Files.createDirectories(outDir);
        List<Path> files = new ArrayList<>();
        List<String> names = List.of(FashionMnist.LABELS);
        // k-NN: first 8,000 against last 2,000
        float[][] reference = Arrays.copyOfRange(features, 0, REFERENCE);
        float[][] queries = Arrays.copyOfRange(features, features.length - QUERIES, features.length);
        int[] refLabels = Arrays.copyOfRange(labels, 0, REFERENCE);
        int[] queryLabels = Arrays.copyOfRange(labels, labels.length - QUERIES, labels.length);
        long t0 = System.nanoTime();
        long c0 = cpu();
        double accuracy = NearestNeighbours.k(K).accuracy(reference, refLabels, queries, queryLabels);
        double knnSeconds = (System.nanoTime() - t0) / 1e9;
        double knnCpu = (cpu() - c0) / 1e9;
        // cs231n's figure: eight queries and their nearest reference images
        int[] shown = {0, 1, 2, 3, 4, 5, 6, 7};
        float[][] someQueries = new float[shown.length][];
        for (int q = 0; q < shown.length; q++) {
            someQueries[q] = queries[shown[q] * 250];
        }
        int[][] near = NearestNeighbours.k(K).nearest(reference, someQueries);
        List<BufferedImage> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int q = 0; q < shown.length; q++) {
            int qi = features.length - QUERIES + shown[q] * 250;
            cells.add(scaled(images.get(qi), 4));
            captions.add("[" + FashionMnist.LABELS[labels[qi]] + "]");
            for (int j : near[q]) {
                cells.add(scaled(images.get(j), 4));
                captions.add(FashionMnist.LABELS[labels[j]]);
            }
        }
        files.add(Heatmaps.write(Heatmaps.grid(cells, captions, K + 1), outDir.resolve("fashion-" + space
                + "-neighbours.png")));
        // t-SNE and PCA of the first tsnePoints
        int n = Math.min(tsnePoints, features.length);
        float[][] points = Arrays.copyOf(features, n);
        int[] pointLabels = Arrays.copyOf(labels, n);
        long t1 = System.nanoTime();
        long c1 = cpu();
        long[] lastPrint = {System.nanoTime()};
        Embedding tsne = Tsne.defaults().withProgress(printing(lastPrint)).embed(points, pointLabels);
        double tsneSeconds = (System.nanoTime() - t1) / 1e9;
        double tsneCpu = (cpu() - c1) / 1e9;
        int m = Math.min(TRUST_POINTS, n);
        double[][] firstCoordinates = Arrays.copyOf(tsne.coordinates(), m);
        double trust = Trustworthiness.of(Arrays.copyOf(points, m), firstCoordinates, TRUST_K);
        files.add(Heatmaps.write(ScatterPlot.titled(String.format(Locale.ROOT,
                "t-SNE of %,d Fashion-MNIST test images (%s)", n, space)).axes("t-SNE 1", "t-SNE 2")
                .classes(names).points(column(tsne, 0), column(tsne, 1), pointLabels).render(1000, 800),
                outDir.resolve("fashion-" + space + "-tsne.png")));
        files.add(Heatmaps.write(ImageMap.grid(40, 40, 28).render(tsne, images.subList(0, n)),
                outDir.resolve("fashion-" + space + "-tsne-grid.png")));
        Embedding pca = Pca.fit(points, 2).embedding(points, pointLabels);
        files.add(Heatmaps.write(ScatterPlot.titled(String.format(Locale.ROOT,
                "PCA of %,d Fashion-MNIST test images (%s)", n, space)).axes("PC 1", "PC 2").classes(names)
                .points(column(pca, 0), column(pca, 1), pointLabels).render(1000, 800),
                outDir.resolve("fashion-" + space + "-pca.png")));
        return new Figures(space, accuracy, knnSeconds, knnCpu, tsne, tsneSeconds, tsneCpu, trust, files);
    }

    /** The process's CPU time in nanoseconds, all threads (the fair measure on a shared machine). */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double[] column(Embedding e, int axis) {
        double[] out = new double[e.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = axis == 0 ? e.x(i) : e.y(i);
        }
        return out;
    }

    private static BufferedImage scaled(BufferedImage im, int factor) {
        BufferedImage out = new BufferedImage(im.getWidth() * factor, im.getHeight() * factor,
                BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.drawImage(im, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }

    /** Prints t-SNE's progress every ten seconds. */
    private static ProgressListener printing(long[] last) {
        return (task, done, total) -> {
            long now = System.nanoTime();
            if (now - last[0] > 10_000_000_000L || done == total) {
                last[0] = now;
                System.out.printf(Locale.ROOT, "%s %d / %d%n", task, done, total);
            }
        };
    }
}
