package io.github.explain4j.djl.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.attribution.IntegratedGradients.Rule;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The adaptive rule of Integrated Gradients against exact answers: a single ReLU unit {@code relu(w·x + b)} switches
 * on at a known point {@code α*} of the path from a black baseline, so the exact attribution is
 * {@code x·w·(1 − α*)}.
 */
class AdaptiveIntegratedGradientsTest {

    private static final Shape INPUT = new Shape(1, 3, 4, 4);
    private static final int PER = 48;
    /** Where the unit switches on: a quarter of the way into one of the trapezoid's intervals at 16 steps. */
    private static final double KINK = 0.35;

    private record Kink(NDManager manager, ExplainableModel model, NDArray input, float[] exact)
            implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }

    /** {@code relu(w·x + b)} as class 0 (class 1 is a second random unit), with b set so the kink is at KINK. */
    private static Kink kink(String engine, long seed) {
        NDManager m = TestNets.manager(engine);
        SequentialBlock net = TestNets.init(new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(2).build()).add(Activation.reluBlock()), m, DataType.FLOAT32, INPUT,
                seed);
        var params = net.getChildren().get(1).getValue().getParameters();
        float[] w = params.get("weight").getArray().toFloatArray();
        float[] bias = params.get("bias").getArray().toFloatArray();
        float[] x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, seed + 1).toFloatArray();
        double q = 0;
        for (int j = 0; j < PER; j++) {
            q += (double) w[j] * x[j];
        }
        if (q < 0) { // the unit must switch on along the path from 0 to x
            for (int j = 0; j < PER; j++) {
                x[j] = -x[j];
            }
            q = -q;
        }
        // relu(α q + b) switches on at α = −b / q; set before any forward pass (MXNet)
        bias[0] = (float) (-KINK * q);
        TestNets.set(params.get("bias").getArray(), new double[] {bias[0], bias[1]});
        float[] exact = new float[PER];
        double active = 1 - (-(double) bias[0] / q);
        for (int j = 0; j < PER; j++) {
            exact[j] = (float) (x[j] * w[j] * active);
        }
        ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(4, 4));
        return new Kink(m, model, m.create(x, INPUT), exact);
    }

    private static double relativeError(Attribution a, float[] exact) {
        return TestNets.relativeL1(a.values(), exact);
    }

    private static Attribution explain(Kink k, IntegratedGradients ig) {
        return ig.baseline(Baseline.constant(0)).explainTensor(k.model(), k.input(), Target.classIndex(0)).get(0);
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theAdaptiveRuleFindsTheKinkTheFixedRulesStraddle(String engine) {
        try (Kink k = kink(engine, 11)) {
            double trapezoid = relativeError(explain(k, IntegratedGradients.create().steps(16)
                    .rule(Rule.TRAPEZOID)), k.exact());
            double midpoint = relativeError(explain(k, IntegratedGradients.create().steps(16)
                    .rule(Rule.RIEMANN_MIDDLE)), k.exact());
            Attribution adaptive = explain(k, IntegratedGradients.create().steps(16).rule(Rule.ADAPTIVE));
            double error = relativeError(adaptive, k.exact());
            System.out.printf(java.util.Locale.ROOT,
                    "%s: one ReLU kink at 16 steps: trapezoid %.2e, midpoint %.2e, adaptive %.2e%n",
                    engine, trapezoid, midpoint, error);
            // a jump a quarter into an interval of width 1/15 costs the trapezoid 1/60 of the path: ~2.5 %
            assertTrue(trapezoid > 0.01, "trapezoid " + trapezoid);
            assertTrue(midpoint > 0.01, "midpoint " + midpoint);
            // the adaptive rule trisects the kink's interval six times: (1/3)/3^6 wide, error below 1e-3
            assertTrue(error < 1e-3, "adaptive " + error);
            assertTrue(adaptive.diagnostic("relativeDelta").orElseThrow() < 1e-3);
            assertEquals(16, adaptive.diagnostic("steps").orElseThrow());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aToleranceStopsAsSoonAsTheAttributionsAreComplete(String engine) {
        try (Kink k = kink(engine, 12)) {
            Attribution full = explain(k, IntegratedGradients.create().steps(64).rule(Rule.ADAPTIVE));
            List<long[]> reports = new java.util.ArrayList<>();
            Attribution early = IntegratedGradients.create().steps(64).rule(Rule.ADAPTIVE).tolerance(1e-3)
                    .baseline(Baseline.constant(0))
                    .explainTensor(k.model().withProgress((task, done, total) -> reports.add(new long[] {done, total})),
                            k.input(), Target.classIndex(0)).get(0);
            assertEquals(64, full.diagnostic("steps").orElseThrow());
            double used = early.diagnostic("steps").orElseThrow();
            assertTrue(used < 64, "stopped after " + used + " of 64 steps");
            // the reported delta comes from a separate forward pass, so allow its float rounding
            assertTrue(early.diagnostic("relativeDelta").orElseThrow() <= 1e-3 + 1e-5);
            assertTrue(relativeError(early, k.exact()) < 2e-3, "error " + relativeError(early, k.exact()));
            assertEquals("0.001", early.provenance().parameters().get("tolerance"));
            // progress counts the evaluations and ends at the budget when the rule stops early
            assertEquals(64, reports.get(reports.size() - 1)[0]);
            assertEquals(64, reports.get(0)[1]);
            assertEquals(16, reports.get(0)[0]);
            for (int r = 1; r < reports.size(); r++) {
                assertTrue(reports.get(r)[0] > reports.get(r - 1)[0], "progress must grow");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theResultDoesNotDependOnTheBatchSize(String engine) {
        Shape in = new Shape(2, 3, 8, 8);
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(4), m, DataType.FLOAT32, in, 5);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, in, DataType.FLOAT32, 6);
            List<Attribution> reference = IntegratedGradients.create().steps(24).rule(Rule.ADAPTIVE).batchSize(64)
                    .explainTensor(model, x, Target.topPrediction());
            for (int batch : new int[] {1, 5}) {
                List<Attribution> other = IntegratedGradients.create().steps(24).rule(Rule.ADAPTIVE)
                        .batchSize(batch).explainTensor(model, x, Target.topPrediction());
                for (int n = 0; n < 2; n++) {
                    float[] a = reference.get(n).values();
                    float[] b = other.get(n).values();
                    for (int j = 0; j < a.length; j++) {
                        assertEquals(a[j], b[j], 1e-5 * Math.max(1, Math.abs(a[j])),
                                "batch " + batch + ", input " + n + ", value " + j);
                    }
                }
            }
        }
    }
}
