package io.github.explain4j.djl.inside;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.ConceptMasks;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.DissectionReport;
import io.github.explain4j.inside.UnitThresholds;
import io.github.explain4j.render.Heatmaps;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Dissects the bundled ShapesNet's last stage (and, with a third argument, the randomised network) over a larger
 * held-out set than the tests use, printing the report and timings and writing the picture:
 * {@code DissectionMain <engine> <images> [layer]}.
 */
public final class DissectionMain {

    private DissectionMain() {}

    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "PyTorch";
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String layer = args.length > 2 ? args[2] : "stage3";
        SyntheticShapes shapes = SyntheticShapes.create(64);
        ImageSource source = ImageSource.shapes(shapes, SyntheticShapes.TEST_SEED, images);
        ConceptMasks labels = ConceptMasks.shapes(shapes, SyntheticShapes.TEST_SEED);
        Dissection d = Dissection.of(layer, labels).progress(ProgressListener.NONE);
        try (Model trained = ShapesNet.load(engine); Model randomised = ShapesNet.load(engine)) {
            TestNets.randomize(randomised.getBlock(), 99);
            for (Model m : new Model[] {trained, randomised}) {
                ExplainableModel model = ShapesNet.explainable(m);
                long t0 = System.nanoTime();
                UnitThresholds t = d.thresholds(model, source);
                long t1 = System.nanoTime();
                DissectionReport r = io.github.explain4j.djl.data.DatasetPass.over(source)
                        .progress(ProgressListener.NONE).run(model, ConceptOverlap.of(t, labels));
                long t2 = System.nanoTime();
                String which = m == trained ? "trained" : "randomised";
                System.out.printf(Locale.ROOT, "%s %s: thresholds %.1f s, IoU %.1f s%n%s", engine, which,
                        (t1 - t0) / 1e9, (t2 - t1) / 1e9, r);
                for (String c : SyntheticShapes.CONCEPTS) {
                    DissectionReport.UnitScore b = r.ranking(c).get(0);
                    System.out.printf(Locale.ROOT, "  %-10s best unit %2d IoU %.3f (%d/%d)%n", c, b.unit(), b.iou(),
                            b.intersection(), b.union());
                }
                Heatmaps.write(d.picture(model, source, r, 6), Path.of("target", "dissection-" + which + "-"
                        + engine + "-" + layer + ".png"));
            }
        }
    }
}
