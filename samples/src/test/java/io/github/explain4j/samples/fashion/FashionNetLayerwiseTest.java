package io.github.explain4j.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.samples.Gallery;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FashionNet#layerwise}: the same logits as the loaded network on real test images (so its parameters are the
 * committed ones, not re-initialised), on both engines.
 */
class FashionNetLayerwiseTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void givesTheLoadedNetworksLogits(String engine) throws Exception {
        FashionMnist test = FashionMnist.load(FashionMnist.locate(FashionMnist.Split.TEST), FashionMnist.Split.TEST,
                16);
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, 28, 28, test.pixels(i));
            images.add(img);
        }
        try (Model m = FashionNet.load(Gallery.repositoryRoot().resolve(FashionNet.COMMITTED_DIR), engine)) {
            ExplainableModel plain = FashionNet.explainable(m);
            ExplainableModel layerwise = FashionNet.layerwise(m);
            float[] a = logits(plain, images);
            float[] b = logits(layerwise, images);
            float max = 0;
            for (float v : a) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max > 1, "logits are not trivial");
            assertArrayEquals(a, b, 1e-4f * max, engine);
        }
    }

    private static float[] logits(ExplainableModel model, List<BufferedImage> images) {
        return model.call(scope -> {
            NDArray out = model.seam().forward(scope, model.toInput(scope, images));
            return out.toType(DataType.FLOAT32, false).toFloatArray();
        });
    }
}
