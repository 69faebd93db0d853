package io.github.explain4j.djl.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The imported emotion model is differentiable on both engines: explicit pads (concatenation with constants,
 * −∞ before max pooling) pass gradients, and the input gradient is finite and not zero.
 */
class TfjsGradientTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void emotionInputGradientIsFinite(String engine) throws Exception {
        Path root = TfjsGoldenCases.repoRoot();
        TfjsGoldenCases.Case face = TfjsGoldenCases.of(TfjsModels.EMOTION).get(0);
        try (Model model = TfjsModels.emotion(root.resolve("models"), engine);
                NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.create(face.nchw(root), new Shape(face.shape()));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
                NDArray probs = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false)
                        .singletonOrThrow();
                NDArray happy = probs.get(0, 3);
                gc.backward(happy);
            }
            NDArray grad = x.getGradient();
            assertEquals(x.getShape(), grad.getShape());
            float[] g = grad.toFloatArray();
            double norm = 0;
            for (float v : g) {
                assertTrue(Float.isFinite(v), "finite gradient");
                norm += v * v;
            }
            assertTrue(norm > 0, "non-zero gradient");
        }
    }
}
