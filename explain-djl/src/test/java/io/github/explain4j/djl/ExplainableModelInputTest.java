package io.github.explain4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.ResizePolicy;
import io.github.explain4j.djl.fixtures.TestNets;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Model inputs are built with the spec's resize policy, then normalised. */
class ExplainableModelInputTest {

    /** 4 wide × 2 tall, stored grey values 10 20 30 40 over 50 60 70 80. */
    static BufferedImage wide() {
        BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                image.getRaster().setSample(x, y, 0, 10 * (1 + x + 4 * y));
            }
        }
        return image;
    }

    /** (v / 255 − 0.5) / 0.25 for each stored value. */
    static float[] normalised(float... stored) {
        float[] out = new float[stored.length];
        for (int i = 0; i < stored.length; i++) {
            out[i] = (stored[i] / 255f - 0.5f) / 0.25f;
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void toInputFollowsTheSpecsResizePolicy(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            var net = TestNets.init(TestNets.linear(2), m, DataType.FLOAT32, new Shape(1, 1, 2, 2), 5);
            InputSpec spec = InputSpec.grey(2, 2).normalized(new float[] {0.5f}, new float[] {0.25f});
            ExplainableModel model = ExplainableModel.of(net, m, spec);
            // stretch: pairs of columns averaged; centre crop: columns 1 and 2; letterbox: 2×2 block means, pad 0
            assertArrayEquals(normalised(15, 35, 55, 75), model.toInput(m, List.of(wide())).toFloatArray(), 1e-5f);
            assertArrayEquals(normalised(20, 30, 60, 70), model.withSpec(spec.resize(ResizePolicy.CENTER_CROP))
                    .toInput(m, List.of(wide())).toFloatArray(), 1e-5f);
            assertArrayEquals(normalised(35, 55, 0, 0), model.withSpec(spec.resize(ResizePolicy.LETTERBOX))
                    .toInput(m, List.of(wide())).toFloatArray(), 1e-5f);
        }
    }
}
