package io.github.explain4j.djl.inside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.ConceptMasks;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetJob;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.data.LayerBatch;
import io.github.explain4j.djl.data.LayerValues;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.DissectionReport;
import io.github.explain4j.inside.UnitThresholds;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Network dissection on the bundled ShapesNet, both engines: the thresholds equal a sort of every activation, the
 * counts equal a hand count over the same activations, both jobs merge and restore exactly, the trained network has
 * a detector of each shape class at its last stage and the randomised one has none, and bad settings are refused.
 */
class DissectionTest {

    private static final SyntheticShapes SHAPES = SyntheticShapes.create(64);
    private static final ConceptMasks LABELS = ConceptMasks.shapes(SHAPES, SyntheticShapes.TEST_SEED);
    private static final int SMALL = 20;

    private static ImageSource images(int count) {
        return ImageSource.shapes(SHAPES, SyntheticShapes.TEST_SEED, count);
    }

    /** Every image's maps of a layer exactly as a pass with this batch size delivers them (a job of the test's own). */
    private static final class Capture implements DatasetJob<List<float[]>>, DatasetJob.Accumulator<List<float[]>> {
        private static final long serialVersionUID = 1L;
        private final String layer;
        private final transient List<float[]> maps = new ArrayList<>();
        private int channels;
        private int height;
        private int width;

        Capture(String layer) {
            this.layer = layer;
        }

        @Override
        public String description() {
            return "capture " + layer;
        }

        @Override
        public DatasetJob.Accumulator<List<float[]>> start(ExplainableModel model) {
            return this;
        }

        @Override
        public List<String> layers() {
            return List.of(layer);
        }

        @Override
        public void add(LayerBatch batch) {
            LayerValues v = batch.layer(layer);
            channels = v.channels();
            height = v.height();
            width = v.width();
            for (int n = 0; n < v.images(); n++) {
                maps.add(Arrays.copyOfRange(v.values(), v.offset(n, 0), v.offset(n, 0) + v.perImage()));
            }
        }

        @Override
        public void merge(DatasetJob.Accumulator<List<float[]>> other) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<float[]> result() {
            return maps;
        }

        @Override
        public void write(java.io.DataOutput out) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void read(java.io.DataInput in) {
            throw new UnsupportedOperationException();
        }
    }

    private static Capture capture(ExplainableModel model, String layer, int count, int batch) {
        Capture c = new Capture(layer);
        DatasetPass.over(images(count)).batchSize(batch).progress(ProgressListener.NONE).run(model, c);
        return c;
    }

    /**
     * Each unit's threshold is the {@code (⌈q·P⌉+1)}-th largest of its {@code P = 20·H·W} activations, found by
     * sorting all of them, for stage2 (32×32) and stage3 (16×16) at q = 0.005 and 0.05; and at most ⌈q·P⌉ of them
     * exceed it.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void thresholdsEqualASortOfEveryActivation(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            for (String layer : List.of("stage2", "stage3")) {
                Capture all = capture(model, layer, SMALL, 7);
                for (double q : new double[] {0.005, 0.05}) {
                    UnitThresholds t = Dissection.of(layer, LABELS).quantile(q).batchSize(7)
                            .progress(ProgressListener.NONE).thresholds(model, images(SMALL));
                    int plane = all.height * all.width;
                    int p = SMALL * plane;
                    int above = (int) Math.ceil(q * p);
                    assertEquals(all.channels, t.units());
                    assertEquals(SMALL, t.images());
                    assertEquals(above, t.above());
                    for (int c = 0; c < all.channels; c++) {
                        float[] values = new float[p];
                        for (int n = 0; n < SMALL; n++) {
                            System.arraycopy(all.maps.get(n), c * plane, values, n * plane, plane);
                        }
                        Arrays.sort(values);
                        float expected = values[p - 1 - above];
                        String where = engine + " " + layer + " q=" + q + " unit " + c;
                        assertEquals(expected, t.threshold(c), 0f, where);
                        int exceeding = 0;
                        for (float v : values) {
                            exceeding += v > t.threshold(c) ? 1 : 0;
                        }
                        assertTrue(exceeding <= above, where + ": " + exceeding + " above");
                    }
                }
            }
        }
    }

    /** Bilinear upsampling written for the test: rows first, then columns, sampling at pixel centres. */
    private static float[] upsample(float[] map, int h, int w, int outH, int outW) {
        double[] rows = new double[h * outW];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                double sx = Math.max(0, Math.min(w - 1, (x + 0.5) * w / outW - 0.5));
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(w - 1, x0 + 1);
                double f = sx - x0;
                rows[y * outW + x] = map[y * w + x0] + (map[y * w + x1] - (double) map[y * w + x0]) * f;
            }
        }
        float[] out = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = Math.max(0, Math.min(h - 1, (y + 0.5) * h / outH - 0.5));
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(h - 1, y0 + 1);
            double f = sy - y0;
            for (int x = 0; x < outW; x++) {
                out[y * outW + x] = (float) (rows[y0 * outW + x] + (rows[y1 * outW + x] - rows[y0 * outW + x]) * f);
            }
        }
        return out;
    }

    /**
     * The intersection and union counts of every unit and concept at stage3 equal a count by hand over the same
     * 20 images: each map upsampled by the test's own bilinear, thresholded at the unit's level, compared pixel by
     * pixel with each concept's mask from the sample itself.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void countsEqualAHandCountOverEveryImage(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            double q = 0.02;
            DissectionReport r = Dissection.of("stage3", LABELS).quantile(q).batchSize(5)
                    .progress(ProgressListener.NONE).run(model, images(SMALL));
            Capture all = capture(model, "stage3", SMALL, 5);
            List<String> concepts = SyntheticShapes.CONCEPTS;
            assertEquals(concepts, r.concepts());
            long[][] inter = new long[all.channels][concepts.size()];
            long[][] union = new long[all.channels][concepts.size()];
            int plane = all.height * all.width;
            for (int n = 0; n < SMALL; n++) {
                SyntheticShapes.Sample s = SHAPES.sample(SyntheticShapes.TEST_SEED, n);
                for (int k = 0; k < all.channels; k++) {
                    float[] map = Arrays.copyOfRange(all.maps.get(n), k * plane, (k + 1) * plane);
                    float[] up = upsample(map, all.height, all.width, 64, 64);
                    float t = r.thresholds().threshold(k);
                    for (int c = 0; c < concepts.size(); c++) {
                        boolean[] mask = s.concept(concepts.get(c));
                        for (int p = 0; p < up.length; p++) {
                            boolean on = up[p] > t;
                            inter[k][c] += on && mask[p] ? 1 : 0;
                            union[k][c] += on || mask[p] ? 1 : 0;
                        }
                    }
                }
            }
            long overlapping = 0;
            for (int k = 0; k < all.channels; k++) {
                assertArrayEquals(inter[k], r.intersections()[k], engine + " unit " + k + " intersections");
                assertArrayEquals(union[k], r.unions()[k], engine + " unit " + k + " unions");
                for (int c = 0; c < concepts.size(); c++) {
                    double iou = union[k][c] == 0 ? 0 : (double) inter[k][c] / union[k][c];
                    assertEquals(iou, r.iou(k, concepts.get(c)), 1e-12);
                    overlapping += inter[k][c] > 0 ? 1 : 0;
                }
            }
            assertTrue(overlapping > all.channels, "the hand count is not all zeros: " + overlapping);

            // the picture: a row per concept some unit overlaps, two images each, enlarged to 128 px, outlined
            int rows = 0;
            for (String c : concepts) {
                rows += r.ranking(c).get(0).iou() > 0 ? 1 : 0;
            }
            BufferedImage pic = Dissection.of("stage3", LABELS).quantile(q).batchSize(5)
                    .picture(model, images(SMALL), r, 2);
            assertEquals(2 * 128 + 4, pic.getWidth());
            // each row an image and its caption's band, rows 4 px apart
            assertTrue(pic.getHeight() > rows * 128 && pic.getHeight() < rows * (128 + 4 + 30), pic.getHeight()
                    + " for " + rows + " rows");
            int yellow = 0;
            for (int y = 0; y < pic.getHeight(); y++) {
                for (int x = 0; x < pic.getWidth(); x++) {
                    yellow += (pic.getRGB(x, y) & 0xffffff) == 0xffff00 ? 1 : 0;
                }
            }
            assertTrue(yellow > 100 * rows, "outlines drawn: " + yellow + " yellow pixels");
        }
    }

    /**
     * Both jobs' accumulators fed with two halves of the images merge into the result of one pass over all, and
     * each one's written state read back into a fresh accumulator gives the same result (what resuming a pass and
     * merging Spark partitions rely on).
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void bothJobsMergeAndRestoreExactly(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            ImageSource source = images(SMALL);
            List<DatasetItem> items;
            try (Stream<DatasetItem> s = source.stream()) {
                items = s.toList();
            }
            UnitQuantiles quantiles = UnitQuantiles.of("stage3", source).quantile(0.01);
            UnitThresholds whole = DatasetPass.over(source).batchSize(10).progress(ProgressListener.NONE)
                    .run(model, quantiles);
            UnitThresholds merged = halves(model, quantiles, items);
            assertArrayEquals(whole.thresholds(), merged.thresholds());
            assertEquals(whole, merged);
            assertEquals(whole, restored(model, quantiles, items));

            ConceptOverlap overlap = ConceptOverlap.of(whole, LABELS);
            DissectionReport report = DatasetPass.over(source).batchSize(10).progress(ProgressListener.NONE)
                    .run(model, overlap);
            DissectionReport joined = halves(model, overlap, items);
            DissectionReport back = restored(model, overlap, items);
            for (DissectionReport other : List.of(joined, back)) {
                for (int k = 0; k < report.units(); k++) {
                    assertArrayEquals(report.intersections()[k], other.intersections()[k]);
                    assertArrayEquals(report.unions()[k], other.unions()[k]);
                }
            }
            DatasetJob.Accumulator<UnitThresholds> a = quantiles.start(model);
            assertThrows(IllegalArgumentException.class,
                    () -> a.merge(quantiles.quantile(0.02).start(model)));
        }
    }

    /**
     * A dissection with checkpoints, interrupted in its first pass and again in its second, resumes each time and
     * ends with the counts of an uninterrupted run.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void anInterruptedDissectionResumesFromItsCheckpoints(String engine, @TempDir Path dir) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            Dissection d = Dissection.of("stage3", LABELS).quantile(0.02).batchSize(5);
            DissectionReport whole = d.progress(ProgressListener.NONE).run(model, images(SMALL));
            for (String pass : List.of("top-", "concept IoU")) {
                ProgressListener stop = (task, done, total) -> {
                    if (task.startsWith(pass) && done == 10) {
                        Thread.currentThread().interrupt();
                    }
                };
                assertThrows(CancellationException.class,
                        () -> d.checkpoints(dir).progress(stop).run(model, images(SMALL)));
                assertTrue(Thread.interrupted());
            }
            AtomicLong firstDone = new AtomicLong(-1);
            ProgressListener watch = (task, done, total) -> {
                if (task.startsWith("concept IoU")) {
                    firstDone.compareAndSet(-1, done);
                }
            };
            DissectionReport resumed = d.checkpoints(dir).progress(watch).run(model, images(SMALL));
            assertEquals(10, firstDone.get(), "the second pass restarts after the 10 images it had folded in");
            assertEquals(whole.thresholds(), resumed.thresholds());
            for (int k = 0; k < whole.units(); k++) {
                assertArrayEquals(whole.intersections()[k], resumed.intersections()[k]);
                assertArrayEquals(whole.unions()[k], resumed.unions()[k]);
            }
        }
    }

    private static <R> R halves(ExplainableModel model, DatasetJob<R> job, List<DatasetItem> items) {
        DatasetJob.Accumulator<R> first = job.start(model);
        DatasetJob.Accumulator<R> second = job.start(model);
        DatasetPass.feed(model, items.subList(0, 10), first);
        DatasetPass.feed(model, items.subList(10, 20), second);
        first.merge(second);
        return first.result();
    }

    private static <R> R restored(ExplainableModel model, DatasetJob<R> job, List<DatasetItem> items)
            throws Exception {
        DatasetJob.Accumulator<R> a = job.start(model);
        DatasetPass.feed(model, items.subList(0, 10), a);
        DatasetPass.feed(model, items.subList(10, 20), a);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        a.write(new DataOutputStream(bytes));
        DatasetJob.Accumulator<R> b = job.start(model);
        b.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        return b.result();
    }

    private static final int DETECTOR_IMAGES = 240;
    /**
     * The IoU a unit needs to count as a detector here: twice Bau et al.'s 0.04, because on these images a
     * randomised network's best circle unit comes close to 0.04 (see the test below).
     */
    private static final double DETECTOR_IOU = 0.08;

    /**
     * Zhou et al. and Bau et al.'s finding on the bundled model: at its last stage (stage3, 64 units, 16×16,
     * top quantile 0.005) the trained ShapesNet has, for each shape class, a unit whose thresholded maps overlap
     * that class's shapes with IoU ≥ {@value #DETECTOR_IOU} over 240 held-out images, while the same architecture
     * with every weight re-drawn ({@code TestNets.randomize(block, 99)}) has no such unit for any class.
     *
     * <p>Measured (both engines give the same counts): on these 240 images the trained network's best units reach
     * circle 0.171 (unit 50), square 0.164 (unit 45), triangle 0.127 (unit 0); the randomised network's best reach
     * circle 0.037, square 0.026, triangle 0.014. On 1000 held-out images ({@link DissectionMain}): trained 0.164,
     * 0.164, 0.123 (the same units), randomised 0.025, 0.027, 0.017. The threshold {@value #DETECTOR_IOU} sits
     * between them with a margin of about 1.5× on the trained side and 2× on the random side; Bau et al.'s 0.04
     * also separates them here, but by a few per cent only on the randomised circle at 240 images. The distractors
     * and the background have no detector in either network (trained best: plus 0.006, ellipse 0.027, background
     * 0.003): nothing in training asked for them.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void trainedNetworkHasADetectorOfEachShapeAtItsLastStageAndTheRandomisedNone(String engine) {
        try (Model trained = ShapesNet.load(engine); Model randomised = ShapesNet.load(engine)) {
            TestNets.randomize(randomised.getBlock(), 99);
            Dissection d = Dissection.of("stage3", LABELS).progress(ProgressListener.NONE);
            ImageSource source = images(DETECTOR_IMAGES);
            DissectionReport a = d.run(ShapesNet.explainable(trained), source);
            DissectionReport b = d.run(ShapesNet.explainable(randomised), source);
            for (String c : SyntheticShapes.CONCEPTS) {
                System.out.printf(Locale.ROOT, "%s stage3 over %d images, %-10s trained best %s | randomised best"
                        + " %s%n", engine, DETECTOR_IMAGES, c, a.ranking(c).get(0), b.ranking(c).get(0));
            }
            for (String c : SyntheticShapes.CLASSES) {
                DissectionReport.UnitScore top = a.ranking(c).get(0);
                assertTrue(top.iou() >= DETECTOR_IOU, engine + ": the trained network's best " + c + " unit " + top);
                assertEquals(List.of(top), a.detectors(c, top.iou()));
                DissectionReport.UnitScore random = b.ranking(c).get(0);
                assertTrue(random.iou() < DETECTOR_IOU, engine + ": the randomised network's best " + c + " unit "
                        + random);
                assertTrue(b.detectors(c, DETECTOR_IOU).isEmpty());
            }
            // Bau et al.'s labelling: every shape class has detectors among the trained units, none among the random
            Map<String, List<DissectionReport.UnitScore>> labelled = a.detectorsByConcept(DETECTOR_IOU);
            for (String c : SyntheticShapes.CLASSES) {
                assertTrue(!labelled.get(c).isEmpty(), engine + ": " + labelled);
            }
            b.detectorsByConcept(DETECTOR_IOU).forEach((c, l) -> assertTrue(l.isEmpty(), engine + " " + c + " " + l));
        }
    }

    /** q outside (0, 1), an unknown layer, a vector layer and a source that cannot tell its size are refused. */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void badSettingsAreRefusedWithMessagesThatNameTheValueAndTheFix(String engine) {
        Dissection d = Dissection.of("stage3", LABELS);
        for (double q : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            String msg = assertThrows(IllegalArgumentException.class, () -> d.quantile(q)).getMessage();
            assertTrue(msg.contains("quantile was " + q) && msg.contains("(0, 1)"), msg);
        }
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            String unknown = assertThrows(IllegalArgumentException.class,
                    () -> Dissection.of("stage9", LABELS).run(model, images(4))).getMessage();
            assertTrue(unknown.contains("stage9"), unknown);
            String vector = assertThrows(IllegalArgumentException.class,
                    () -> Dissection.of("gap", LABELS).run(model, images(4))).getMessage();
            assertTrue(vector.contains("gap") && vector.contains("H·W > 1") && vector.contains("stage3"), vector);
            // a stream of images that cannot tell how many it holds before reading them all
            ImageSource unsized = new ImageSource() {
                @Override
                public long size() {
                    return -1;
                }

                @Override
                public String description() {
                    return "a stream";
                }

                @Override
                public Stream<DatasetItem> stream(long first) {
                    return images(4).stream(first);
                }
            };
            String size = assertThrows(IllegalArgumentException.class, () -> d.run(model, unsized)).getMessage();
            assertTrue(size.contains("cannot tell its size") && size.contains("a source that tells"), size);
            String tiny = assertThrows(IllegalArgumentException.class,
                    () -> d.quantile(0.999).run(model, images(1))).getMessage();
            assertTrue(tiny.contains("smaller quantile"), tiny);
            ImageSource big = ImageSource.shapes(SyntheticShapes.create(96), SyntheticShapes.TEST_SEED, 2);
            UnitThresholds t = Dissection.of("stage3", LABELS).thresholds(model, images(2));
            String sizes = assertThrows(IllegalArgumentException.class, () -> DatasetPass.over(big)
                    .progress(ProgressListener.NONE).run(model, ConceptOverlap.of(t, LABELS))).getMessage();
            assertTrue(sizes.contains("96×96") && sizes.contains("64×64"), sizes);
        }
    }
}
