package io.github.explain4j.djl.inside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.backprop.Deconvnet;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.ReceptiveField;
import io.github.explain4j.inside.TopHits;
import io.github.explain4j.inside.UnitPatches;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Zeiler & Fergus' patches on the trained ShapesNet, both engines: every deconvnet projection lies inside the
 * unit's receptive field; each equals the projection computed alone for its image with a one-unit region target
 * (so batching hands each row its own unit); each patch shows the image's pixels where the field lies; the hit
 * values are the units' activations.
 */
class TopPatchesTest {

    private static final SyntheticShapes SHAPES = SyntheticShapes.create(64);
    private static final ImageSource SOURCE = ImageSource.shapes(SHAPES, SyntheticShapes.TEST_SEED, 24);

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void projectionsLieInTheFieldAndEqualTheOneUnitProjection(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            String layer = "stage2";
            TopHits hits = DatasetPass.over(SOURCE).batchSize(8).progress(ProgressListener.NONE)
                    .run(model, TopActivations.of(layer).k(3));
            List<Integer> units = hits.strongestChannels().subList(0, 4);
            UnitPatches fig = TopPatches.of(model, SOURCE, hits).batchSize(5).units(units);
            assertEquals(units, fig.unitList());
            ReceptiveField field = ReceptiveFields.of(model, layer);
            InputSpec spec = model.spec();
            ExplainableModel upTo = model.withOutputLayer(layer);
            int checked = 0;
            for (int c : units) {
                List<UnitPatches.Patch> ps = fig.units().get(c);
                assertEquals(3, ps.size());
                for (int r = 0; r < ps.size(); r++) {
                    UnitPatches.Patch p = ps.get(r);
                    String where = engine + " unit " + c + " rank " + r;
                    assertEquals(hits.hits(c).get(r), p.hit(), where);
                    assertTrue(p.projectionInside() > 1 - 1e-6, where + ": projection mass inside the field "
                            + p.projectionInside());
                    BufferedImage image = SHAPES.sample(SyntheticShapes.TEST_SEED, (int) p.hit().image()).image();
                    // the hit's value is the unit's activation for its image
                    float[] act = Activations.of(model, layer, image).map(c);
                    assertEquals(act[p.hit().y() * hits.width() + p.hit().x()], p.hit().value(),
                            1e-4 * Math.abs(p.hit().value()) + 1e-5, where);
                    int[] box = p.box();
                    int top = field.startY() + p.hit().y() * field.jumpY();
                    int left = field.startX() + p.hit().x() * field.jumpX();
                    assertEquals(field.sizeY(), p.patch().getHeight(), where);
                    // the patch shows the image's pixels: the box's corner pixel and its centre
                    float[] pixels = spec.pixels(image);
                    int plane = spec.height() * spec.width();
                    for (int[] at : new int[][] {{box[0], box[1]}, {(box[0] + box[2]) / 2, (box[1] + box[3]) / 2}}) {
                        int rgb = p.patch().getRGB(at[1] - left, at[0] - top);
                        int red = Math.round(pixels[at[0] * spec.width() + at[1]] * 255);
                        int blue = Math.round(pixels[2 * plane + at[0] * spec.width() + at[1]] * 255);
                        assertEquals(red, (rgb >> 16) & 0xFF, 1, where + " red at " + at[0] + "," + at[1]);
                        assertEquals(blue, rgb & 0xFF, 1, where + " blue at " + at[0] + "," + at[1]);
                    }
                    // the projection equals that unit's projection computed alone (region target 1×1)
                    Attribution alone = Deconvnet.create().explain(upTo, image,
                            Target.region(c, p.hit().y(), p.hit().x(), 1, 1));
                    float[] v = alone.values();
                    double max = 0;
                    for (int ch = 0; ch < 3; ch++) {
                        for (int y = box[0]; y <= box[2]; y++) {
                            for (int x = box[1]; x <= box[3]; x++) {
                                max = Math.max(max, Math.abs(v[(ch * spec.height() + y) * spec.width() + x]));
                            }
                        }
                    }
                    assertTrue(max > 0, where + ": the projection is not empty");
                    int y = (box[0] + box[2]) / 2;
                    for (int x = box[1]; x <= box[3]; x++) {
                        int rgb = p.projection().getRGB(x - left, y - top);
                        float g = v[(spec.height() + y) * spec.width() + x];
                        int expected = Math.round((float) (0.5 + 0.5 * g / max) * 255);
                        assertEquals(expected, (rgb >> 8) & 0xFF, 1, where + " projection at " + y + "," + x);
                    }
                    checked++;
                }
            }
            assertEquals(12, checked);
            BufferedImage grid = fig.grid(3, 20, 2);
            // two rows of two units: 8 + 2 · (3·20 + 2·2 + 16 + 8)
            assertEquals(8 + 2 * (64 + 16 + 8), grid.getHeight());
            // the first unit's first projection sits under its caption: its top-left pixel is the projection's
            assertEquals(fig.units().get(units.get(0)).get(0).projection().getRGB(0, 0) & 0xFFFFFF,
                    grid.getRGB(8, 8 + 16) & 0xFFFFFF);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void hitsOfAnotherModelOrSourceAreRefused(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            TopHits hits = DatasetPass.over(SOURCE).progress(ProgressListener.NONE)
                    .run(model, TopActivations.of("stem").k(2));
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                    () -> TopPatches.of(model.withName("other"), SOURCE, hits));
            assertTrue(other.getMessage().contains("'other'"), other.getMessage());
            IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class,
                    () -> TopPatches.of(model, SOURCE.limit(2), hits).all());
            assertTrue(shorter.getMessage().contains("pass the source the hits were found in"), shorter.getMessage());
            IllegalArgumentException channel = assertThrows(IllegalArgumentException.class,
                    () -> TopPatches.of(model, SOURCE, hits).units(List.of(99)));
            assertTrue(channel.getMessage().contains("channel was 99"), channel.getMessage());
        }
    }
}
