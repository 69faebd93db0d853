package io.github.explain4j.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.inside.Activations;
import io.github.explain4j.djl.inside.ReceptiveFields;
import io.github.explain4j.djl.inside.TopActivations;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.inside.ReceptiveField;
import io.github.explain4j.inside.TopHits;
import io.github.explain4j.samples.Gallery;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FashionNet's insides on real data, both engines: every stage's receptive field holds the support of its units'
 * input gradient (and equals it exactly after the first convolution, where no pooling picks winners); the top-9
 * images per relu3 unit over 2,000 test images, found on each engine, are the same images with the same values,
 * and each hit's value is the unit's activation for its image computed alone.
 */
class FashionNetInsideTest {

    private static Path modelDir() {
        return Gallery.repositoryRoot().resolve(FashionNet.COMMITTED_DIR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void everyStagesFieldHoldsItsUnitsGradientSupport(String engine) throws Exception {
        try (Model m = FashionNet.load(modelDir(), engine)) {
            ExplainableModel model = FashionNet.layerwise(m);
            // conv 3×3 pad 1: field 3 wide, exactly the support; each pool doubles the jump
            ReceptiveField first = ReceptiveFields.of(model, "03LambdaBlock");
            assertEquals(List.of(1, -1, 3), List.of(first.jumpY(), first.startY(), first.sizeY()));
            for (String layer : List.of("03LambdaBlock", "04LambdaBlock", "07LambdaBlock", "08LambdaBlock",
                    "11LambdaBlock")) {
                ReceptiveField f = ReceptiveFields.of(model, layer);
                int side = 28 / f.jumpY();
                for (int[] unit : new int[][] {{0, 0}, {side / 2, side / 3}, {side - 1, side - 1}}) {
                    int[] box = f.box(unit[0], unit[1]);
                    int[] s = support(model, layer, unit[0], unit[1]);
                    String where = engine + " " + layer + " unit " + unit[0] + "," + unit[1] + ": support "
                            + java.util.Arrays.toString(s) + ", field " + java.util.Arrays.toString(box);
                    assertTrue(s[0] >= 0, where + " (the unit's gradient is zero)");
                    assertTrue(s[0] >= box[0] && s[1] >= box[1] && s[2] <= box[2] && s[3] <= box[3], where);
                    if (layer.equals("03LambdaBlock")) {
                        assertArrayEquals(box, s, where);
                    }
                }
            }
        }
    }

    /** The box {top, left, bottom, right} where the gradient of unit (y, x), summed over channels, is not zero. */
    private static int[] support(ExplainableModel model, String layer, int y, int x) {
        Random r = new Random(7);
        float[] pixels = new float[28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = 0.1f + 0.9f * r.nextFloat();
        }
        float[] g = model.call(scope -> {
            NDArray input = model.pixelsToInput(scope, pixels);
            return model.seam().trace(scope, TraceRequest.of(input).capture(layer).stopAfterCaptures()
                    .inputGradient().objective(t -> t.activation(layer).get(":, :, " + y + ", " + x).sum()))
                    .inputGradient().toType(DataType.FLOAT32, false).toFloatArray();
        });
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int i = 0; i < 28; i++) {
            for (int j = 0; j < 28; j++) {
                if (g[i * 28 + j] != 0) {
                    box[0] = Math.min(box[0], i);
                    box[1] = Math.min(box[1], j);
                    box[2] = Math.max(box[2], i);
                    box[3] = Math.max(box[3], j);
                }
            }
        }
        return box[2] < 0 ? new int[] {-1, -1, -1, -1} : box;
    }

    @Test
    void bothEnginesFindTheSameTopImagesAndTheirValuesAreTheActivations() throws Exception {
        ImageSource test = FashionMnist.source(FashionMnist.Split.TEST).limit(2000);
        String layer = "11LambdaBlock";
        TopHits[] hits = new TopHits[2];
        String[] engines = {"PyTorch", "MXNet"};
        for (int e = 0; e < 2; e++) {
            try (Model m = FashionNet.load(modelDir(), engines[e])) {
                ExplainableModel model = FashionNet.layerwise(m);
                hits[e] = DatasetPass.over(test).batchSize(250).progress(ProgressListener.NONE)
                        .run(model, TopActivations.of(layer));
                assertEquals(2000, hits[e].images());
                // the best hit of eight units, recomputed alone
                List<DatasetItem> items;
                try (Stream<DatasetItem> s = test.stream()) {
                    items = s.toList();
                }
                for (int c = 0; c < 64; c += 8) {
                    TopHits.Hit h = hits[e].hits(c).get(0);
                    float[] map = Activations.of(model, layer, items.get((int) h.image()).image()).map(c);
                    assertEquals(map[h.y() * 7 + h.x()], h.value(), 1e-4f * Math.abs(h.value()) + 1e-5f,
                            engines[e] + " unit " + c);
                }
            }
        }
        int compared = 0;
        for (int c = 0; c < 64; c++) {
            List<TopHits.Hit> a = hits[0].hits(c);
            List<TopHits.Hit> b = hits[1].hits(c);
            for (int r = 0; r < 9; r++) {
                assertEquals(a.get(r).value(), b.get(r).value(), 1e-3f * Math.abs(a.get(0).value()) + 1e-5f,
                        "unit " + c + " rank " + r);
                boolean clear = (r == 0 || a.get(r - 1).value() - a.get(r).value() > 1e-3f * a.get(0).value())
                        && (r == 8 || a.get(r).value() - a.get(r + 1).value() > 1e-3f * a.get(0).value());
                if (clear) {
                    assertEquals(a.get(r).image(), b.get(r).image(), "unit " + c + " rank " + r);
                    compared++;
                }
            }
        }
        assertTrue(compared > 300, "ranks compared by image: " + compared);
    }
}
