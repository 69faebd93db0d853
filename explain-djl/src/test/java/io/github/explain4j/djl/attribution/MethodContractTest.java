package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.backprop.Deconvnet;
import io.github.explain4j.djl.backprop.GuidedBackprop;
import io.github.explain4j.djl.backprop.GuidedGradCam;
import io.github.explain4j.djl.backprop.Lrp;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks every method passes on every engine: result shape and provenance, finite values, determinism (with a
 * seed), no native array left behind, and clear errors on bad input.
 */
class MethodContractTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);

    static List<AttributionMethod> methods() {
        return List.of(
                Saliency.create(),
                InputXGradient.create(),
                GradCam.create(),
                GradCam.at("05ParallelBlock"),
                IntegratedGradients.create().steps(6).batchSize(4),
                IntegratedGradients.create().rule(IntegratedGradients.Rule.ADAPTIVE).steps(12).batchSize(5),
                SmoothGrad.of(Saliency.create()).samples(5).batchSize(2).seed(3),
                SmoothGrad.of(GradCam.create()).samples(3).variant(SmoothGrad.Variant.VARIANCE).seed(4),
                io.github.explain4j.djl.cam.Cam.create(),
                io.github.explain4j.djl.cam.GradCamPlusPlus.create(),
                io.github.explain4j.djl.cam.XGradCam.create(),
                io.github.explain4j.djl.cam.HiResCam.create(),
                io.github.explain4j.djl.cam.LayerCam.at("05ParallelBlock", "09LambdaBlock"),
                io.github.explain4j.djl.cam.EigenCam.create(),
                io.github.explain4j.djl.cam.ScoreCam.create().batchSize(5),
                io.github.explain4j.djl.cam.AblationCam.create().batchSize(5),
                io.github.explain4j.djl.perturbation.Occlusion.create().window(3).stride(2).batchSize(8),
                io.github.explain4j.djl.perturbation.Rise.create().masks(12).cells(3).batchSize(5).seed(2),
                io.github.explain4j.djl.perturbation.Lime.create().superpixels(6).samples(24).seed(3),
                GuidedBackprop.create(),
                Deconvnet.create(),
                GuidedGradCam.create(),
                GuidedGradCam.at("05NamedParallelBlock"),
                Lrp.epsilon(1e-6),
                Lrp.alphaBeta(2, 1),
                SmoothGrad.of(GuidedBackprop.create()).samples(3).seed(5));
    }

    /**
     * The modified-backpropagation methods refuse {@link TestNets#residualNet} (its ReLUs are anonymous lambdas
     * and one hides in the residual join): they run on {@link TestNets#reluBlockResidualNet}, the same layers
     * with every ReLU a block of its own.
     */
    private static boolean needsReluBlocks(AttributionMethod method) {
        String name = method instanceof SmoothGrad ? method.parameters().get("inner") : method.name();
        return List.of("Guided Backpropagation", "Deconvnet", "Guided Grad-CAM", "LRP").contains(name);
    }

    static Stream<Arguments> cases() {
        return TestNets.ENGINES.stream().flatMap(e -> methods().stream().map(m -> Arguments.of(e, m)));
    }

    private interface Body {
        void run(NDManager manager, ExplainableModel model, NDArray input);
    }

    private static void withModel(String engine, Body body) {
        withModel(engine, false, body);
    }

    private static void withModel(String engine, AttributionMethod method, Body body) {
        withModel(engine, needsReluBlocks(method), body);
    }

    private static void withModel(String engine, boolean reluBlocks, Body body) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(reluBlocks ? TestNets.reluBlockResidualNet(5) : TestNets.residualNet(5),
                    m, DataType.FLOAT32, INPUT, 21);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8)
                    .withLabels(List.of("a", "b", "c", "d", "e"))).withName("residual-net");
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 22);
            body.run(m, model, x);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void shapeProvenanceFinitenessDeterminismAndNoLeak(String engine, AttributionMethod method) {
        withModel(engine, method, (m, model, x) -> {
            model.layers(); // warm the layer cache, which is computed once per model
            model.numClasses();
            int before = m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size();
            List<Attribution> first = method.explainTensor(model, x, Target.label("c"));
            List<Attribution> second = method.explainTensor(model, x, Target.label("c"));
            assertEquals(before, m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size(),
                    "native arrays left behind by " + method);
            assertEquals(2, first.size());
            for (int n = 0; n < 2; n++) {
                Attribution a = first.get(n);
                assertEquals(8, a.height());
                assertEquals(8, a.width());
                assertTrue(a.channels() == 1 || a.channels() == 3);
                for (float v : a.values()) {
                    assertTrue(Float.isFinite(v), "finite values");
                }
                assertTrue(java.util.Arrays.stream(box(a.values())).anyMatch(v -> v != 0f), "not all zero");
                assertArrayEquals(a.values(), second.get(n).values(), "deterministic");
                assertEquals(method.name(), a.provenance().method());
                assertEquals(engine, a.provenance().engine());
                assertEquals("residual-net", a.provenance().model());
                assertEquals(2, a.provenance().targetClass());
                assertTrue(a.provenance().target().contains("'c'"), a.provenance().target());
                assertEquals(method.seed(), a.provenance().seed());
            }
        });
    }

    private static Float[] box(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void badInputIsRefusedWithTheValueNamed(String engine, AttributionMethod method) {
        withModel(engine, method, (m, model, x) -> {
            expect(IllegalArgumentException.class, "(2, 3, 9, 8)",
                    () -> method.explainTensor(model, m.zeros(new Shape(2, 3, 9, 8)), Target.topPrediction()));
            expect(IllegalArgumentException.class, "has 1 channels",
                    () -> method.explainTensor(model, m.zeros(new Shape(1, 1, 8, 8)), Target.topPrediction()));
            NDArray nan = x.duplicate();
            nan.set(new ai.djl.ndarray.index.NDIndex("1, 2, 3, 4"), Float.NaN);
            expect(IllegalArgumentException.class, "NaN",
                    () -> method.explainTensor(model, nan, Target.topPrediction()));
            NDArray inf = x.duplicate();
            inf.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), Float.POSITIVE_INFINITY);
            expect(IllegalArgumentException.class, "Infinity",
                    () -> method.explainTensor(model, inf, Target.topPrediction()));
            expect(IllegalArgumentException.class, "class index 5 is out of range",
                    () -> method.explainTensor(model, x, Target.classIndex(5)));
            expect(IllegalArgumentException.class, "unknown class label 'zebra'",
                    () -> method.explainTensor(model, x, Target.label("zebra")));
            String other = engine.equals("PyTorch") ? "MXNet" : "PyTorch";
            try (NDManager foreign = TestNets.manager(other)) {
                expect(IllegalArgumentException.class, "lives on engine " + other,
                        () -> method.explainTensor(model, foreign.zeros(INPUT), Target.topPrediction()));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void closedModelUnknownLayerAndNonPositiveSettingsAreRefused(String engine) {
        withModel(engine, (m, model, x) -> {
            expect(IllegalArgumentException.class, "unknown layer 'stage9'",
                    () -> GradCam.at("stage9").explainTensor(model, x, Target.topPrediction()));
            expect(IllegalArgumentException.class, "class-activation maps need feature maps",
                    () -> GradCam.at("11Linear").explainTensor(model, x, Target.topPrediction()));
            expect(IllegalArgumentException.class, "steps was 0", () -> IntegratedGradients.create().steps(0));
            expect(IllegalArgumentException.class, "samples was -1",
                    () -> SmoothGrad.of(Saliency.create()).samples(-1));
            expect(IllegalArgumentException.class, "batch size was 0",
                    () -> IntegratedGradients.create().batchSize(0));
            expect(IllegalArgumentException.class, "noise was NaN",
                    () -> SmoothGrad.of(Saliency.create()).noise(Double.NaN));
            expect(IllegalArgumentException.class, "tolerance was -0.01",
                    () -> IntegratedGradients.create().tolerance(-0.01));
            expect(IllegalArgumentException.class, "tolerance was NaN",
                    () -> IntegratedGradients.create().tolerance(Double.NaN));
            expect(IllegalArgumentException.class, "add .rule(IntegratedGradients.Rule.ADAPTIVE)",
                    () -> IntegratedGradients.create().tolerance(0.01).explainTensor(model, x,
                            Target.topPrediction()));
        });
        NDManager m = TestNets.manager(engine);
        SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 21);
        ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8)).withName("closed-net");
        m.close();
        try (NDManager other = TestNets.manager(engine)) {
            expect(IllegalStateException.class, "model 'closed-net' is closed",
                    () -> Saliency.create().explainTensor(model, other.zeros(INPUT), Target.topPrediction()));
        }
    }

    private static void expect(Class<? extends Throwable> type, String fragment, Executable body) {
        Throwable t = assertThrows(type, body::execute);
        assertTrue(t.getMessage().contains(fragment), "message '" + t.getMessage() + "' should name '" + fragment + "'");
    }

    /** A body that may throw. */
    @FunctionalInterface
    private interface Executable {
        void execute() throws Throwable;
    }
}
