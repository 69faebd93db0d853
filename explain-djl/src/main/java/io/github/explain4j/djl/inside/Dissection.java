package io.github.explain4j.djl.inside;

import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.api.Resampling;
import io.github.explain4j.data.ConceptMasks;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetJob;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.data.LayerBatch;
import io.github.explain4j.djl.data.LayerValues;
import io.github.explain4j.inside.DissectionReport;
import io.github.explain4j.inside.UnitThresholds;
import io.github.explain4j.render.Heatmaps;
import java.awt.image.BufferedImage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Network dissection: how well each unit of a layer detects each concept of a labelled dataset, as the IoU of the
 * unit's thresholded, upsampled maps with the concepts' masks over the whole dataset. Two
 * {@linkplain DatasetPass dataset passes}: {@link UnitQuantiles} finds each unit's top-quantile level
 * {@code T_k} (exact), then {@link ConceptOverlap} counts, per unit and concept, the pixels of
 * {@code {upsampled map > T_k}} inside and outside the concept's mask. Both are dataset jobs, so each pass streams
 * in bounded memory, resumes from a checkpoint and merges across partitions.
 *
 * <pre>{@code
 * ImageSource test = ImageSource.shapes(SyntheticShapes.create(64), SyntheticShapes.TEST_SEED, 1000);
 * ConceptMasks labels = ConceptMasks.shapes(SyntheticShapes.create(64), SyntheticShapes.TEST_SEED);
 * DissectionReport r = Dissection.of("stage3", labels).run(model, test);
 * r.ranking("circle");                         // units by IoU with the circles, best first
 * r.detectorsByConcept(0.04);                  // Bau et al.'s labelling
 * Heatmaps.write(Dissection.of("stage3", labels).picture(model, test, r, 6), Path.of("dissection.png"));
 * }</pre>
 *
 * <p>D. Bau, B. Zhou, A. Khosla, A. Oliva, A. Torralba, "Network Dissection: Quantifying Interpretability of Deep
 * Visual Representations", CVPR 2017; B. Zhou, A. Khosla, A. Lapedriza, A. Oliva, A. Torralba, "Object Detectors
 * Emerge in Deep Scene CNNs", ICLR 2015 (units of a scene classifier that segment objects).
 */
public final class Dissection {

    private static final int DEFAULT_BATCH = 64;
    private static final int PICTURE_SCALE_TO = 128;
    private static final int OUTLINE = 0xffffff00;

    private final String layer;
    private final ConceptMasks labels;
    private final double quantile;
    private final int batchSize;
    private final ProgressListener progress;
    private final Path checkpoints;

    private Dissection(String layer, ConceptMasks labels, double quantile, int batchSize, ProgressListener progress,
            Path checkpoints) {
        this.layer = layer;
        this.labels = labels;
        this.quantile = quantile;
        this.batchSize = batchSize;
        this.progress = progress;
        this.checkpoints = checkpoints;
    }

    /**
     * A dissection of {@code layer}'s units against {@code labels}: top quantile 0.005 (Bau et al.), 64 images per
     * batch, no checkpoints, the model's progress listener.
     */
    public static Dissection of(String layer, ConceptMasks labels) {
        Objects.requireNonNull(layer, "layer was null; pass a spatial layer from model.layers(), e.g. the last stage");
        Objects.requireNonNull(labels, "labels was null; pass the images' concept masks, e.g."
                + " ConceptMasks.shapes(shapes, seed)");
        return new Dissection(layer, labels, UnitQuantiles.DEFAULT_QUANTILE, DEFAULT_BATCH, null, null);
    }

    /**
     * The fraction {@code q} of each unit's activations above its threshold.
     *
     * @throws IllegalArgumentException unless {@code 0 < q < 1}
     */
    public Dissection quantile(double q) {
        return new Dissection(layer, labels, UnitQuantiles.checkQuantile(q), batchSize, progress, checkpoints);
    }

    /**
     * Images per batch.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Dissection batchSize(int images) {
        if (images <= 0) {
            throw new IllegalArgumentException("batch size was " + images + "; expected a positive number of images,"
                    + " e.g. 64");
        }
        return new Dissection(layer, labels, quantile, images, progress, checkpoints);
    }

    /** Where both passes report progress (instead of the model's listener). */
    public Dissection progress(ProgressListener listener) {
        Objects.requireNonNull(listener, "listener was null; pass ProgressListener.NONE for none");
        return new Dissection(layer, labels, quantile, batchSize, listener, checkpoints);
    }

    /**
     * Checkpoints both passes in {@code dir} ({@code <layer>-thresholds.ckpt}, {@code <layer>-iou.ckpt}), so that an
     * interrupted dissection resumes where it stopped (see {@link DatasetPass}).
     */
    public Dissection checkpoints(Path dir) {
        Objects.requireNonNull(dir, "dir was null; pass the folder to keep the two passes' checkpoints in");
        return new Dissection(layer, labels, quantile, batchSize, progress, dir);
    }

    /** The layer. */
    public String layer() {
        return layer;
    }

    /** The quantile. */
    public double quantile() {
        return quantile;
    }

    /**
     * The first pass alone: each unit's threshold over {@code source}.
     *
     * @throws IllegalArgumentException for an unknown or non-spatial layer, or a source that cannot tell its size
     */
    public UnitThresholds thresholds(ExplainableModel model, ImageSource source) {
        Objects.requireNonNull(model, "model was null; pass the model to dissect");
        Objects.requireNonNull(source, "source was null; pass the labelled images, e.g. ImageSource.shapes(…)");
        return pass(source, "thresholds").run(model, UnitQuantiles.of(layer, source).quantile(quantile));
    }

    /**
     * Both passes over {@code source}, whose image {@code i} the labels' {@code masks(i)} describe.
     *
     * @throws IllegalArgumentException for an unknown or non-spatial layer, a source that cannot tell its size, or
     *     images of another size than the labels' masks
     */
    public DissectionReport run(ExplainableModel model, ImageSource source) {
        UnitThresholds t = thresholds(model, source);
        return pass(source, "iou").run(model, ConceptOverlap.of(t, labels));
    }

    private DatasetPass pass(ImageSource source, String what) {
        DatasetPass pass = DatasetPass.over(source).batchSize(batchSize);
        if (progress != null) {
            pass = pass.progress(progress);
        }
        if (checkpoints != null) {
            pass = pass.checkpoint(checkpoints.resolve(layer.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + what
                    + ".ckpt"));
        }
        return pass;
    }

    /**
     * A picture of the report's top detector of each concept: one row per concept whose best unit has a positive
     * IoU, with the {@code perConcept} images among the source's first {@code min(size, 20·perConcept)} where that
     * unit's region agrees best with the concept (per-image IoU), the region {@code {upsampled map > T_k}} outlined
     * in yellow; captions name the concept, the unit and the image's IoU. Images are enlarged (nearest neighbour) to
     * at least 128 pixels.
     *
     * @throws IllegalArgumentException unless {@code perConcept} is positive, or when the report is of another
     *     layer
     */
    public BufferedImage picture(ExplainableModel model, ImageSource source, DissectionReport report, int perConcept) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(report, "report was null; pass the result of run(model, source)");
        if (perConcept < 1) {
            throw new IllegalArgumentException("perConcept was " + perConcept + "; expected at least 1 image per"
                    + " concept");
        }
        if (!report.layer().equals(model.seam().resolveLayer(layer))) {
            throw new IllegalArgumentException("the report is of layer '" + report.layer() + "'; this dissection reads '"
                    + layer + "'");
        }
        List<String> concepts = new ArrayList<>();
        int[] units = new int[report.concepts().size()];
        for (String c : report.concepts()) {
            DissectionReport.UnitScore top = report.ranking(c).get(0);
            if (top.iou() > 0) {
                units[concepts.size()] = top.unit();
                concepts.add(c);
            }
        }
        if (concepts.isEmpty()) {
            throw new IllegalArgumentException("no unit of '" + report.layer() + "' overlaps any concept; nothing to"
                    + " picture");
        }
        long scan = source.size() < 0 ? 20L * perConcept : Math.min(source.size(), 20L * perConcept);
        Examples job = new Examples(report.layer(), labels, report.thresholds().thresholds(), concepts,
                Arrays.copyOf(units, concepts.size()), perConcept);
        List<List<Example>> best = DatasetPass.over(source.limit(scan)).batchSize(batchSize)
                .progress(ProgressListener.NONE).run(model, job);
        List<BufferedImage> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int c = 0; c < concepts.size(); c++) {
            for (int i = 0; i < perConcept; i++) {
                if (i < best.get(c).size()) {
                    Example e = best.get(c).get(i);
                    cells.add(outlined(e.image(), e.region()));
                    captions.add(String.format(Locale.ROOT, "%s u%d %.2f", concepts.get(c), units[c], e.iou()));
                } else {
                    cells.add(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
                    captions.add(null);
                }
            }
        }
        return Heatmaps.grid(cells, captions, perConcept);
    }

    /** The image enlarged to at least 128 pixels with the region's border drawn over it. */
    private static BufferedImage outlined(BufferedImage image, boolean[] region) {
        int w = image.getWidth();
        int h = image.getHeight();
        int s = Math.max(1, (PICTURE_SCALE_TO + Math.max(w, h) - 1) / Math.max(w, h));
        BufferedImage out = new BufferedImage(w * s, h * s, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * s; y++) {
            for (int x = 0; x < w * s; x++) {
                out.setRGB(x, y, image.getRGB(x / s, y / s));
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (region[y * w + x] && (x == 0 || y == 0 || x == w - 1 || y == h - 1 || !region[y * w + x - 1]
                        || !region[y * w + x + 1] || !region[(y - 1) * w + x] || !region[(y + 1) * w + x])) {
                    for (int dy = 0; dy < s; dy++) {
                        for (int dx = 0; dx < s; dx++) {
                            out.setRGB(x * s + dx, y * s + dy, OUTLINE);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** One image where a unit's region meets a concept. */
    private record Example(long index, double iou, BufferedImage image, boolean[] region) {}

    /** Keeps, per concept, the images where its top unit's region has the highest IoU with it (in memory only). */
    private static final class Examples implements DatasetJob<List<List<Example>>>, DatasetJob.Accumulator<
            List<List<Example>>> {
        private static final long serialVersionUID = 1L;
        private static final Comparator<Example> ORDER = Comparator.comparingDouble((Example e) -> -e.iou())
                .thenComparingLong(Example::index);
        private final String path;
        private final ConceptMasks labels;
        private final float[] thresholds;
        private final List<String> concepts;
        private final int[] units;
        private final int keep;
        private final transient List<List<Example>> best = new ArrayList<>();

        Examples(String path, ConceptMasks labels, float[] thresholds, List<String> concepts, int[] units, int keep) {
            this.path = path;
            this.labels = labels;
            this.thresholds = thresholds;
            this.concepts = concepts;
            this.units = units;
            this.keep = keep;
            for (int c = 0; c < concepts.size(); c++) {
                best.add(new ArrayList<>());
            }
        }

        @Override
        public String description() {
            return "dissection examples of " + path;
        }

        @Override
        public Accumulator<List<List<Example>>> start(ExplainableModel model) {
            return this;
        }

        @Override
        public List<String> layers() {
            return List.of(path);
        }

        @Override
        public void add(LayerBatch batch) {
            LayerValues v = batch.layer(path);
            for (int n = 0; n < v.images(); n++) {
                DatasetItem item = batch.items().get(n);
                Map<String, boolean[]> masks = labels.masks(item.index());
                int ih = labels.height();
                int iw = labels.width();
                for (int c = 0; c < concepts.size(); c++) {
                    int k = units[c];
                    int off = v.offset(n, k);
                    float[] up = Resampling.bilinear(Arrays.copyOfRange(v.values(), off, off + v.plane()),
                            v.height(), v.width(), ih, iw);
                    boolean[] region = new boolean[up.length];
                    boolean[] mask = masks.get(concepts.get(c));
                    long inter = 0;
                    long union = 0;
                    for (int p = 0; p < up.length; p++) {
                        region[p] = up[p] > thresholds[k];
                        inter += region[p] && mask[p] ? 1 : 0;
                        union += region[p] || mask[p] ? 1 : 0;
                    }
                    if (inter == 0) {
                        continue;
                    }
                    List<Example> list = best.get(c);
                    list.add(new Example(item.index(), (double) inter / union, item.image(), region));
                    list.sort(ORDER);
                    if (list.size() > keep) {
                        list.remove(list.size() - 1);
                    }
                }
            }
        }

        @Override
        public void merge(Accumulator<List<List<Example>>> other) {
            throw new UnsupportedOperationException("the picture's examples are gathered in one pass");
        }

        @Override
        public List<List<Example>> result() {
            return best;
        }

        @Override
        public void write(DataOutput out) throws IOException {
            throw new UnsupportedOperationException("the picture's examples are not checkpointed");
        }

        @Override
        public void read(DataInput in) throws IOException {
            throw new UnsupportedOperationException("the picture's examples are not checkpointed");
        }
    }
}
