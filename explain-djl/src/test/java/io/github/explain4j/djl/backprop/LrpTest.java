package io.github.explain4j.djl.backprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.InputXGradient;
import io.github.explain4j.djl.blocks.NamedBlocks;
import io.github.explain4j.djl.blocks.NamedParallelBlock;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LRP's laws on both engines: on bias-free networks the input relevance sums to the explained score (ε small,
 * αβ with α − β = 1); αβ(1, 0) gives no negative relevance for a positive score; LRP-0 equals Input × Gradient on
 * a linear model and — a law of piecewise-linear ReLU networks — on a residual network with biases, BatchNorm and
 * max-pooling; with biases, the diagnostic reports the share of the score that reaches the input.
 */
class LrpTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);
    private static final int CLASSES = 4;

    /**
     * conv3×3(8)-BN-ReLU-maxpool2 | sum(conv-ReLU-conv, identity) | ReLU | avgpool2 | conv3×3(6)-ReLU | global
     * average pool | Linear(4): no biases, BatchNorm with zero shift and zero running mean.
     */
    static SequentialBlock biasFreeNet() {
        NamedParallelBlock residual = new NamedParallelBlock(NamedBlocks.sum())
                .add("branch", new SequentialBlock().add(conv(8)).add(Activation.reluBlock()).add(conv(8)))
                .add("identity", Blocks.identityBlock());
        return new SequentialBlock().add(conv(8)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))).add(residual).add(Activation.reluBlock())
                .add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2))).add(conv(6)).add(Activation.reluBlock())
                .add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(CLASSES).optBias(false).build());
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).optPadding(new Shape(1, 1))
                .optBias(false).build();
    }

    static void zeroShifts(SequentialBlock net) {
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getKey().endsWith("beta") || p.getKey().endsWith("runningMean")) {
                NDArray a = p.getValue().getArray();
                TestNets.set(a, new double[(int) a.size()]);
            }
        }
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void relevanceIsConservedOnBiasFreeNetworks(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(biasFreeNet(), m, DataType.FLOAT32, INPUT, 81);
            zeroShifts(net);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 82);
            float[] out = model.seam().forward(m, x).toFloatArray();
            double worst = 0;
            for (Lrp lrp : List.of(Lrp.epsilon(1e-9), Lrp.alphaBeta(1, 0), Lrp.alphaBeta(2, 1))) {
                for (int cls = 0; cls < CLASSES; cls++) {
                    List<Attribution> maps = lrp.explainTensor(model, x, Target.classIndex(cls));
                    for (int n = 0; n < 2; n++) {
                        Attribution a = maps.get(n);
                        double score = out[n * CLASSES + cls];
                        double relevance = sum(a.values());
                        assertEquals(score, a.diagnostic("score").orElseThrow(), 1e-5 * Math.abs(score),
                                "the explained score");
                        assertEquals(relevance / score, a.diagnostic("conservation").orElseThrow(), 1e-5,
                                "the diagnostic is Σ relevance / score");
                        double error = Math.abs(relevance - score) / Math.abs(score);
                        worst = Math.max(worst, error);
                        System.out.printf("%s %s class %d sample %d: f(x) %.6f, Σ R %.6f, relative error %.2e%n",
                                engine, lrp.parameters(), cls, n, score, relevance, error);
                        assertTrue(error < 1e-4, lrp + " conserves relevance: " + relevance + " vs " + score);
                        if (lrp.parameters().get("rule").equals("alpha-beta") && lrp.parameters().get("beta")
                                .equals("0.0") && score > 0) {
                            for (float v : a.values()) {
                                assertTrue(v >= -1e-6 * Math.abs(score), "αβ(1, 0) gives no negative relevance");
                            }
                        }
                    }
                }
            }
            System.out.printf("%s bias-free conservation: worst relative error %.2e%n", engine, worst);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void lrpZeroEqualsInputTimesGradientOnALinearModelAndOnAReluNetwork(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            Shape flat = new Shape(2, 3, 4, 4);
            SequentialBlock linear = TestNets.init(TestNets.linear(CLASSES), m, DataType.FLOAT64, flat, 83);
            compareWithInputTimesGradient(engine + " linear model", m, linear, TestNets.randomInput(m, flat,
                    DataType.FLOAT64, 84), InputSpec.rgb(4, 4));
            SequentialBlock relu = TestNets.init(TestNets.reluBlockResidualNet(CLASSES), m, DataType.FLOAT64, INPUT,
                    85);
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT64, 86);
            compareWithInputTimesGradient(engine + " ReLU residual net with biases", m, relu, x, InputSpec.rgb(8, 8));
            // a control: a large ε moves LRP away from Input × Gradient, so the comparison above can fail
            ExplainableModel model = ExplainableModel.of(relu, m, InputSpec.rgb(8, 8));
            float[] coarse = Lrp.epsilon(0.5).explainTensor(model, x, Target.classIndex(0)).get(0).values();
            float[] ixg = InputXGradient.create().explainTensor(model, x, Target.classIndex(0)).get(0).values();
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < ixg.length; i++) {
                scale = Math.max(scale, Math.abs(ixg[i]));
                diff = Math.max(diff, Math.abs(ixg[i] - coarse[i]));
            }
            System.out.printf("%s control: LRP-ε(0.5) vs Input×Gradient, max difference %.2e of the largest value%n",
                    engine, diff / scale);
            assertTrue(diff > 1e-2 * scale, "LRP-ε(0.5) differs from Input × Gradient");
        }
    }

    private static void compareWithInputTimesGradient(String what, NDManager m, SequentialBlock net, NDArray x,
            InputSpec spec) {
        ExplainableModel model = ExplainableModel.of(net, m, spec);
        for (int cls = 0; cls < CLASSES; cls++) {
            List<Attribution> lrp = Lrp.epsilon(0).explainTensor(model, x, Target.classIndex(cls));
            List<Attribution> ixg = InputXGradient.create().explainTensor(model, x, Target.classIndex(cls));
            double worst = 0;
            for (int n = 0; n < lrp.size(); n++) {
                float[] a = lrp.get(n).values();
                float[] b = ixg.get(n).values();
                double scale = 0;
                for (float v : b) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertTrue(scale > 1e-4, "not trivially zero");
                for (int i = 0; i < a.length; i++) {
                    assertEquals(b[i], a[i], 1e-6 * scale, what + ", class " + cls + ", value " + i);
                    worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
                }
            }
            System.out.printf("%s class %d: LRP-0 vs Input×Gradient, max difference %.2e of the largest value%n",
                    what, cls, worst);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void withBiasesTheDiagnosticReportsTheShareThatReachesTheInput(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.reluBlockResidualNet(CLASSES), m, DataType.FLOAT32, INPUT,
                    87);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 88);
            for (Lrp lrp : List.of(Lrp.epsilon(1e-6), Lrp.epsilon(0.1), Lrp.alphaBeta(1, 0), Lrp.alphaBeta(2, 1))) {
                for (Attribution a : lrp.explainTensor(model, x, Target.topPrediction())) {
                    double c = a.diagnostic("conservation").orElseThrow();
                    assertTrue(Double.isFinite(c), "finite");
                    double score = a.diagnostic("score").orElseThrow();
                    assertEquals(sum(a.values()) / score, c, 1e-4 * Math.max(1, Math.abs(c)));
                    System.out.printf("%s %s with biases: score %.4f, Σ R %.4f, conservation %.4f%n", engine,
                            lrp.parameters(), score, a.diagnostic("relevance").orElseThrow(), c);
                }
            }
        }
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> Lrp.epsilon(-1e-3));
        assertThrows(IllegalArgumentException.class, () -> Lrp.epsilon(Double.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lrp.alphaBeta(2, 0));
        assertTrue(e.getMessage().contains("alpha was 2.0 and beta 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Lrp.alphaBeta(0.5, -0.5));
    }
}
