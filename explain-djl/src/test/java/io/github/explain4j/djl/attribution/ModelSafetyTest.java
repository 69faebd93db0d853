package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Explaining leaves the model as it was, releases every native array, and is safe from several threads. */
class ModelSafetyTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);

    private record Snapshot(List<float[]> values, List<Boolean> requiresGradient) {}

    private static Snapshot snapshot(SequentialBlock net) {
        List<float[]> values = new ArrayList<>();
        List<Boolean> flags = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            values.add(a.toFloatArray());
            flags.add(a.hasGradient());
            if (a.hasGradient()) {
                values.add(a.getGradient().toFloatArray());
            }
        }
        return new Snapshot(values, flags);
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void parametersRunningStatisticsGradientsAndFlagsAreUntouched(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 31);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 32);
            Snapshot before = snapshot(net);
            Saliency.create().explainTensor(model, x, Target.classIndex(1));
            GradCam.create().explainTensor(model, x, Target.topPrediction());
            IntegratedGradients.create().steps(4).explainTensor(model, x, Target.classIndex(2));
            Snapshot after = snapshot(net);
            assertEquals(before.requiresGradient(), after.requiresGradient(), "gradient flags");
            assertEquals(before.values().size(), after.values().size());
            for (int i = 0; i < before.values().size(); i++) {
                assertArrayEquals(before.values().get(i), after.values().get(i), "parameter or gradient " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void twoHundredExplanationsLeaveTheArrayCountAtItsBaseline(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 33);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 34);
            List<AttributionMethod> methods = List.of(Saliency.create(), InputXGradient.create(), GradCam.create(),
                    IntegratedGradients.create().steps(3), SmoothGrad.of(Saliency.create()).samples(2));
            methods.get(0).explainTensor(model, x, Target.topPrediction()); // caches: layers, output shape
            GradCam.create().explainTensor(model, x, Target.topPrediction());
            int baseline = m.getManagedArrays().size();
            // call scopes live under the seam's own manager (not the model's), next to its parameter views
            int seamBaseline = model.seam().manager().getManagedArrays().size();
            for (int i = 0; i < 200; i++) {
                methods.get(i % methods.size()).explainTensor(model, x, Target.topPrediction());
            }
            assertEquals(baseline, m.getManagedArrays().size(), "arrays after 200 explanations");
            assertEquals(seamBaseline, model.seam().manager().getManagedArrays().size(),
                    "arrays under the seam's manager after 200 explanations");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void concurrentExplanationsTakeTurnsAndAgreeWithSequentialOnes(String engine) throws Exception {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 35);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 36);
            float[] saliency = Saliency.create().explainTensor(model, x, Target.classIndex(0)).get(1).values();
            float[] cam = GradCam.create().explainTensor(model, x, Target.classIndex(0)).get(1).values();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Attribution>> futures = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    AttributionMethod method = i % 2 == 0 ? Saliency.create() : GradCam.create();
                    futures.add(pool.submit(() -> method.explainTensor(model, x, Target.classIndex(0)).get(1)));
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertArrayEquals(i % 2 == 0 ? saliency : cam, futures.get(i).get().values(), "call " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
