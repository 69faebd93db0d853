package io.github.explain4j.djl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.inside.Activations;
import io.github.explain4j.djl.inside.TopActivations;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.LayerActivations;
import io.github.explain4j.inside.TopHits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dataset pass on the trained ShapesNet, both engines: top-k per channel equals a brute-force ranking of
 * every activation computed one image at a time; an interrupted pass resumes from its checkpoint without
 * reading again what it had folded in and ends with the uninterrupted result; accumulators fed with two halves
 * merge into the whole; no native array is left behind; bad settings and foreign checkpoints are refused.
 */
class DatasetPassTest {

    private static final int IMAGES = 40;
    private static final SyntheticShapes SHAPES = SyntheticShapes.create(64);

    private static ImageSource shapes() {
        return ImageSource.shapes(SHAPES, SyntheticShapes.TEST_SEED, IMAGES);
    }

    /** A source that counts the images it hands out. */
    private static ImageSource counting(ImageSource inner, AtomicLong read) {
        return new CountingSource(inner, read);
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void topKEqualsBruteForceOverEveryActivation(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            for (String layer : List.of("stage2", "stage3")) {
                TopHits hits = DatasetPass.over(shapes()).batchSize(7).progress(ProgressListener.NONE)
                        .run(model, TopActivations.of(layer).k(5));
                // brute force: every activation of every image, one image at a time
                List<LayerActivations> all = new ArrayList<>();
                try (Stream<DatasetItem> s = shapes().stream()) {
                    s.forEach(item -> all.add(Activations.of(model, layer, item.image())));
                }
                assertEquals(IMAGES, hits.images());
                int channels = all.get(0).channels();
                assertEquals(channels, hits.channelCount());
                double scale = 0;
                for (LayerActivations a : all) {
                    for (float v : a.values()) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                }
                double tol = 1e-5 * scale;
                for (int c = 0; c < channels; c++) {
                    List<TopHits.Hit> brute = new ArrayList<>();
                    for (int n = 0; n < IMAGES; n++) {
                        float[] map = all.get(n).map(c);
                        int best = 0;
                        for (int i = 1; i < map.length; i++) {
                            if (map[i] > map[best]) {
                                best = i;
                            }
                        }
                        brute.add(new TopHits.Hit(map[best], n, best / all.get(n).width(), best % all.get(n).width()));
                    }
                    brute.sort(TopHits.RANK);
                    List<TopHits.Hit> got = hits.hits(c);
                    assertEquals(5, got.size());
                    for (int r = 0; r < 5; r++) {
                        TopHits.Hit b = brute.get(r);
                        TopHits.Hit g = got.get(r);
                        String where = engine + " " + layer + " channel " + c + " rank " + r;
                        assertEquals(b.value(), g.value(), tol, where);
                        // the same image and place, unless the brute-force ranking has a near-tie there
                        boolean tie = (r > 0 && brute.get(r - 1).value() - b.value() <= tol)
                                || brute.get(r + 1).value() >= b.value() - tol;
                        if (!tie) {
                            assertEquals(b.image(), g.image(), where);
                            float[] map = all.get((int) g.image()).map(c);
                            // its place holds the image's maximum (positions may differ only on ties)
                            assertEquals(b.value(), map[g.y() * hits.width() + g.x()], tol, where);
                        }
                    }
                }
            }
        }
    }

    /**
     * Exact ties, the usual case for dead ReLU channels: batches of maps drawn from {−0, +0, 1, 2} fed to the
     * accumulator in any order must keep, per channel, the first k hits of a full sort in {@link TopHits#RANK} order
     * (larger value, +0 above −0, then the earlier image) — hit for hit.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void exactTiesKeepTheRankOrderOfAFullSort(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            int k = 4;
            int channels = 6;
            int h = 2;
            int w = 3;
            var acc = TopActivations.of("stage3").k(k).start(model);
            String path = acc.layers().get(0);
            java.util.Random random = new java.util.Random(5);
            float[] levels = {-0f, 0f, 1f, 2f};
            var pixel = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            List<List<TopHits.Hit>> brute = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                brute.add(new ArrayList<>());
            }
            long index = 0;
            List<LayerBatch> batches = new ArrayList<>();
            for (int batch = 0; batch < 9; batch++) {
                int n = 1 + random.nextInt(5);
                float[] values = new float[n * channels * h * w];
                List<DatasetItem> items = new ArrayList<>();
                for (int i = 0; i < n; i++, index++) {
                    items.add(new DatasetItem(index, pixel, -1, "t"));
                    for (int c = 0; c < channels; c++) {
                        int off = (i * channels + c) * h * w;
                        // zeros of either sign; channels 0 and 1 nothing else (dead), the others a 1 or 2 now and then
                        for (int p = 0; p < h * w; p++) {
                            int draw = random.nextInt(80);
                            values[off + p] = draw < 40 ? levels[0] : draw < 82 - 2 * c ? levels[1]
                                    : levels[2 + (draw & 1)];
                        }
                        int best = 0;
                        for (int p = 1; p < h * w; p++) {
                            if (values[off + p] > values[off + best]) {
                                best = p;
                            }
                        }
                        brute.get(c).add(new TopHits.Hit(values[off + best], index, best / w, best % w));
                    }
                }
                batches.add(new LayerBatch(items, java.util.Map.of(path, new LayerValues(values, n, channels, h, w))));
            }
            // in shuffled order: the result may not depend on the order batches come in (Spark partitions do not)
            java.util.Collections.shuffle(batches, random);
            batches.forEach(acc::add);
            TopHits hits = acc.result();
            int signed = 0;
            for (int c = 0; c < channels; c++) {
                List<TopHits.Hit> want = brute.get(c);
                want.sort(TopHits.RANK);
                assertEquals(want.subList(0, k), hits.hits(c), engine + " channel " + c);
                for (TopHits.Hit hit : want.subList(0, k)) {
                    signed += Float.floatToRawIntBits(hit.value()) == Float.floatToRawIntBits(0f) ? 1 : 0;
                }
            }
            assertTrue(signed > 0, "the draw must put +0 hits in some top-k, next to −0 ones, to test their order");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void anInterruptedPassResumesWithoutRecomputingAndEndsWithTheWholeResult(String engine, @TempDir Path dir)
            throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            TopActivations job = TopActivations.of("stage3");
            TopHits whole = DatasetPass.over(shapes()).batchSize(8).progress(ProgressListener.NONE).run(model, job);

            Path ckpt = dir.resolve("stage3.ckpt");
            AtomicLong read = new AtomicLong();
            // the listener interrupts the thread once 16 images are done: the pass stops after that batch
            ProgressListener stopAt16 = (task, done, total) -> {
                if (done == 16) {
                    Thread.currentThread().interrupt();
                }
            };
            DatasetPass pass = DatasetPass.over(counting(shapes(), read)).batchSize(8).checkpoint(ckpt)
                    .checkpointEvery(java.time.Duration.ofHours(1));
            CancellationException e = assertThrows(CancellationException.class,
                    () -> pass.progress(stopAt16).run(model, job));
            assertTrue(Thread.interrupted(), "the interrupt stays set for the caller");
            assertTrue(e.getMessage().contains("after 16 images") && e.getMessage().contains(ckpt.toString()),
                    e.getMessage());
            assertTrue(Files.exists(ckpt), "the cancelled pass saved its state");

            read.set(0);
            AtomicLong firstReported = new AtomicLong(-1);
            TopHits resumed = pass.progress((task, done, total) -> firstReported.compareAndSet(-1, done))
                    .run(model, job);
            assertEquals(16, firstReported.get(), "the resumed pass starts where the cancelled one stopped");
            assertEquals(IMAGES - 16, read.get(), "images read again on resume");
            assertEquals(whole, resumed, "resumed result");

            read.set(0);
            assertEquals(whole, pass.progress(ProgressListener.NONE).run(model, job), "a finished pass");
            assertEquals(0, read.get(), "a finished pass reads no image");

            IllegalStateException foreign = assertThrows(IllegalStateException.class,
                    () -> pass.run(model, TopActivations.of("stage2")));
            assertTrue(foreign.getMessage().contains("another pass") && foreign.getMessage().contains("stage2"),
                    foreign.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void halvesMergeIntoTheWholeAndStateSurvivesWritingAndLeavesNoArrays(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            TopActivations job = TopActivations.of("stage2").k(4);
            TopHits whole = DatasetPass.over(shapes()).batchSize(16).progress(ProgressListener.NONE).run(model, job);
            int baseline = model.seam().manager().getManagedArrays().size();
            List<DatasetItem> items;
            try (Stream<DatasetItem> s = shapes().stream()) {
                items = s.toList();
            }
            DatasetJob.Accumulator<TopHits> odd = job.start(model);
            DatasetJob.Accumulator<TopHits> even = job.start(model);
            // two partitions that interleave, as Spark's may
            for (int from = 0; from < IMAGES; from += 10) {
                DatasetPass.feed(model, items.subList(from, from + 10), (from / 10) % 2 == 0 ? even : odd);
            }
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            odd.write(new java.io.DataOutputStream(bytes));
            DatasetJob.Accumulator<TopHits> copy = job.start(model);
            copy.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            even.merge(copy);
            assertEquals(whole, even.result());
            assertEquals(baseline, model.seam().manager().getManagedArrays().size(), "arrays after the pass");
            assertThrows(IllegalArgumentException.class, () -> even.merge(TopActivations.of("stage3").start(model)));
        }
    }

    @Test
    void badSettingsAndLayersAreRefusedWithTheValue() throws Exception {
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> DatasetPass.over(shapes()).batchSize(0));
        assertTrue(batch.getMessage().contains("batch size was 0"), batch.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> TopActivations.of("stage3").k(0));
        assertTrue(k.getMessage().contains("k was 0"), k.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DatasetPass.over(shapes()).checkpointEvery(java.time.Duration.ofSeconds(-1)));
        try (Model m = ShapesNet.load("PyTorch")) {
            ExplainableModel model = ShapesNet.explainable(m);
            IllegalArgumentException layer = assertThrows(IllegalArgumentException.class,
                    () -> DatasetPass.over(shapes()).run(model, TopActivations.of("stage9")));
            assertTrue(layer.getMessage().contains("stage9"), layer.getMessage());
        }
    }

    @Test
    void aFailingSourceStopsThePassWithItsMessage() throws Exception {
        ImageSource broken = new ImageSource() {
            @Override
            public long size() {
                return 30;
            }

            @Override
            public String description() {
                return "broken";
            }

            @Override
            public Stream<DatasetItem> stream(long first) {
                return shapes().stream(first).limit(30).peek(i -> {
                    if (i.index() == 21) {
                        throw new java.io.UncheckedIOException(new java.io.IOException("disk gone at 21"));
                    }
                });
            }
        };
        try (Model m = ShapesNet.load("MXNet")) {
            ExplainableModel model = ShapesNet.explainable(m);
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                    () -> DatasetPass.over(broken).batchSize(8).progress(ProgressListener.NONE)
                            .run(model, TopActivations.of("stage2")));
            assertTrue(e.getMessage().contains("disk gone at 21"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aLayerThatGivesNaNIsRefusedNotRanked(String engine) {
        try (ai.djl.ndarray.NDManager m = io.github.explain4j.djl.fixtures.TestNets.manager(engine)) {
            // log of a convolution's output: NaN wherever the convolution is negative
            io.github.explain4j.djl.blocks.NamedSequentialBlock net = new io.github.explain4j.djl.blocks
                    .NamedSequentialBlock()
                    .add("conv", ai.djl.nn.convolutional.Conv2d.builder()
                            .setKernelShape(new ai.djl.ndarray.types.Shape(3, 3)).setFilters(2).build())
                    .add("log", ai.djl.nn.LambdaBlock.singleton(x -> x.log(), "log"));
            net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 3, 8, 8));
            io.github.explain4j.djl.fixtures.TestNets.randomize(net, 4);
            ExplainableModel model = ExplainableModel.of(net, m, io.github.explain4j.api.InputSpec.rgb(8, 8));
            java.util.List<java.awt.image.BufferedImage> images = new ArrayList<>();
            java.util.Random r = new java.util.Random(1);
            for (int i = 0; i < 6; i++) {
                java.awt.image.BufferedImage im = new java.awt.image.BufferedImage(8, 8,
                        java.awt.image.BufferedImage.TYPE_INT_RGB);
                for (int p = 0; p < 64; p++) {
                    im.setRGB(p % 8, p / 8, r.nextInt(1 << 24));
                }
                images.add(im);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> DatasetPass.over(ImageSource.of(images)).progress(ProgressListener.NONE)
                            .run(model, TopActivations.of("log")));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
    }
}
