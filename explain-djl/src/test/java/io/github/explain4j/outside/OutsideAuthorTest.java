package io.github.explain4j.outside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.cam.FeatureMaps;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.cam.GradientCamMethod;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.seam.GradientResult;
import io.github.explain4j.djl.testkit.AttributionContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An author outside explain4j adds two methods with public API only — a CAM variant (one override) and a gradient
 * method (one {@code attribute}) — and runs them through the contract kit on both engines; each is also checked
 * against what it should equal.
 */
class OutsideAuthorTest extends AttributionContract {

    /** A CAM variant: channels weighted by the mean of the positive part of the gradient. */
    static final class PositiveGradCam extends GradientCamMethod<PositiveGradCam> {
        private PositiveGradCam(Settings settings) {
            super(settings, PositiveGradCam::new);
        }

        static PositiveGradCam create() {
            return new PositiveGradCam(defaults());
        }

        @Override
        public String name() {
            return "Positive Grad-CAM";
        }

        @Override
        protected double[] weights(FeatureMaps a, FeatureMaps g) {
            return g.relu().spatialMean();
        }
    }

    /** A gradient method: the squared gradient summed over channels. */
    static final class SquaredGradient extends AttributionMethod {
        @Override
        public String name() {
            return "Squared Gradient";
        }

        @Override
        public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
            GradientResult g = gradients(model, scope, input, null, target.scoreFunction());
            NDArray squared = g.inputGradient().square().sum(new int[] {1});
            long[] s = input.getShape().getShape();
            return MethodOutput.of(rows(squared), 1, (int) s[2], (int) s[3], classesOf(target, g.output()));
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of();
        }

        @Override
        public boolean signed() {
            return false;
        }

        @Override
        public Attribution.Reduction display() {
            return Attribution.Reduction.SUM;
        }
    }

    @Override
    protected List<ContractCase> cases() {
        return List.of(ContractCase.of(PositiveGradCam.create()), ContractCase.of(new SquaredGradient()));
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theNewMethodsEqualWhatTheyAreMadeOf(String engine) {
        withModel(engine, ContractNet.RESIDUAL, (m, model, x) -> {
            List<Attribution> squared = new SquaredGradient().explainTensor(model, x, Target.classIndex(1));
            List<Attribution> saliency = Saliency.create().explainTensor(model, x, Target.classIndex(1));
            for (int n = 0; n < 2; n++) {
                float[] g = saliency.get(n).values(); // 3 × 8 × 8, signed gradient
                float[] expected = new float[64];
                for (int c = 0; c < 3; c++) {
                    for (int j = 0; j < 64; j++) {
                        expected[j] += g[c * 64 + j] * g[c * 64 + j];
                    }
                }
                float[] actual = squared.get(n).values();
                assertEquals(64, actual.length);
                for (int j = 0; j < 64; j++) {
                    assertEquals(expected[j], actual[j], 1e-6f * Math.max(1, Math.abs(expected[j])), "pixel " + j);
                }
            }
            // where every gradient weight is positive, the variant is Grad-CAM; ReLU'd weights never exceed it
            List<Attribution> positive = PositiveGradCam.create().relu(false).explainTensor(model, x,
                    Target.classIndex(1));
            List<Attribution> gradCam = GradCam.create().relu(false).explainTensor(model, x, Target.classIndex(1));
            assertEquals(gradCam.get(0).values().length, positive.get(0).values().length);
            assertEquals(false, java.util.Arrays.equals(gradCam.get(0).values(), positive.get(0).values()),
                    "mixed-sign gradients make the two differ");
            assertArrayEquals(positive.get(1).values(), PositiveGradCam.create().relu(false)
                    .explainTensor(model, x, Target.classIndex(1)).get(1).values());
        });
    }
}
