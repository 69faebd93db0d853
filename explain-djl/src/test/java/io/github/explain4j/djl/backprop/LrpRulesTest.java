package io.github.explain4j.djl.backprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.seam.LayerwiseBackward;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LRP-γ, the z^B rule and composites of rules, on both engines: on bias-free networks they conserve relevance;
 * LRP-γ with γ = 0 is LRP-0 exactly and tends to the z⁺ rule as γ grows; both match values computed by hand, and
 * z^B its closed form on a linear model, with the bounds of the model's normalised pixels or given ones; per-layer
 * rules cover the layers they name; bad settings and assignments are refused naming the value and the fix.
 */
class LrpRulesTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);
    private static final int CLASSES = 4;
    /** A normalisation with a different range per channel, so that z^B's bounds differ by channel. */
    private static final InputSpec NORMALISED = InputSpec.rgb(8, 8).normalized(
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    /** Pixels uniform in [0, 1] normalised by {@code spec}: inputs within z^B's bounds. */
    private static NDArray pixels(NDManager m, Shape shape, InputSpec spec, DataType type, long seed) {
        Random random = new Random(seed);
        int channels = (int) shape.get(1);
        int plane = (int) (shape.size() / shape.get(0) / channels);
        double[] v = new double[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = spec.normalize((i / plane) % channels, random.nextFloat());
        }
        return m.create(v, shape).toType(type, false);
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s;
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).optPadding(new Shape(1, 1))
                .optBias(false).build();
    }

    // ---------------------------------------------------------------- conservation

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void gammaZBoxAndCompositesConserveRelevanceOnBiasFreeNetworks(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(LrpTest.biasFreeNet(), m, DataType.FLOAT32, INPUT, 101);
            LrpTest.zeroShifts(net);
            ExplainableModel model = ExplainableModel.of(net, m, NORMALISED);
            assertEquals(List.of("01Conv2d", "05NamedParallelBlock/01branch/01Conv2d",
                    "05NamedParallelBlock/01branch/03Conv2d", "08Conv2d", "11Linear"),
                    LayerwiseBackward.of(model.seam()).weightedLayers(), "the layers with weights, numbered 0..4");
            NDArray x = pixels(m, INPUT, NORMALISED, DataType.FLOAT32, 102);
            float[] out = model.seam().forward(m, x).toFloatArray();
            Map<String, Lrp> methods = new LinkedHashMap<>();
            methods.put("LRP-γ (0.25)", Lrp.gamma(0.25));
            methods.put("LRP-γ (10)", Lrp.gamma(10));
            methods.put("z^B first, ε = 1e-9 above", Lrp.epsilon(1e-9).first(ZBoxRule.fromSpec()));
            methods.put("z^B first, γ 1..3, ε = 1e-9 above", Lrp.epsilon(1e-9).first(ZBoxRule.fromSpec())
                    .layers(1, 4, GammaRule.of(0.25)));
            methods.put("z^B first, γ in the residual unit, αβ(2, 1) elsewhere", Lrp.alphaBeta(2, 1)
                    .first(ZBoxRule.fromSpec()).layer("05NamedParallelBlock", GammaRule.of(0.5)));
            double worst = 0;
            for (Map.Entry<String, Lrp> e : methods.entrySet()) {
                double worstOfMethod = 0;
                for (int cls = 0; cls < CLASSES; cls++) {
                    List<Attribution> maps = e.getValue().explainTensor(model, x, Target.classIndex(cls));
                    for (int n = 0; n < 2; n++) {
                        Attribution a = maps.get(n);
                        double score = out[n * CLASSES + cls];
                        double relevance = sum(a.values());
                        double error = Math.abs(relevance - score) / Math.abs(score);
                        assertTrue(error < 1e-4, e.getKey() + " conserves relevance, class " + cls + " sample " + n
                                + ": Σ R " + relevance + " vs f(x) " + score);
                        assertEquals(relevance / score, a.diagnostic("conservation").orElseThrow(), 1e-5);
                        worstOfMethod = Math.max(worstOfMethod, error);
                    }
                }
                System.out.printf("%s %s: worst relative conservation error %.2e%n", engine, e.getKey(),
                        worstOfMethod);
                worst = Math.max(worst, worstOfMethod);
            }
            System.out.printf("%s bias-free conservation of γ, z^B and composites: worst relative error %.2e%n",
                    engine, worst);
        }
    }

    // ---------------------------------------------------------------- LRP-γ's limits

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void gammaZeroIsLrpZeroExactly(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            // biases, BatchNorm with shifts, max-pooling, a residual sum, Dropout, average pooling
            SequentialBlock net = TestNets.init(TestNets.reluBlockResidualNet(CLASSES), m, DataType.FLOAT32, INPUT,
                    103);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 104);
            for (int cls = 0; cls < CLASSES; cls++) {
                List<Attribution> gamma = Lrp.gamma(0).explainTensor(model, x, Target.classIndex(cls));
                List<Attribution> zero = Lrp.epsilon(0).explainTensor(model, x, Target.classIndex(cls));
                for (int n = 0; n < 2; n++) {
                    assertArrayEquals(zero.get(n).values(), gamma.get(n).values(), "γ = 0 is LRP-0, class " + cls);
                }
            }
            // a control: γ > 0 changes the map, so the comparison above can fail
            float[] boosted = Lrp.gamma(0.25).explainTensor(model, x, Target.classIndex(0)).get(0).values();
            float[] zero = Lrp.epsilon(0).explainTensor(model, x, Target.classIndex(0)).get(0).values();
            double d = TestNets.relativeL1(boosted, zero);
            System.out.printf("%s control: LRP-γ(0.25) vs LRP-0, relative L1 distance %.3f%n", engine, d);
            assertTrue(d > 1e-2, "LRP-γ(0.25) differs from LRP-0: " + d);
        }
    }

    /**
     * As γ grows, {@code w + γw⁺ ∝ w⁺ + w⁻/(1 + γ)}: LRP-γ tends to the z⁺ rule, which on non-negative inputs is
     * LRP-αβ(1, 0). A plain bias-free ReLU net on pixels, so that every layer's input is non-negative.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void largeGammaTendsToTheZPlusRule(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = new SequentialBlock().add(conv(6)).add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))).add(conv(8))
                    .add(Activation.reluBlock()).add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                    .add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(CLASSES).optBias(false).build());
            TestNets.init(net, m, DataType.FLOAT64, INPUT, 105);
            InputSpec spec = InputSpec.rgb(8, 8);
            ExplainableModel model = ExplainableModel.of(net, m, spec);
            NDArray x = pixels(m, INPUT, spec, DataType.FLOAT64, 106);
            double[] gammas = {0, 1, 100, 1e4};
            double[] distance = new double[gammas.length];
            for (int cls = 0; cls < CLASSES; cls++) {
                List<Attribution> zPlus = Lrp.alphaBeta(1, 0).explainTensor(model, x, Target.classIndex(cls));
                for (int g = 0; g < gammas.length; g++) {
                    List<Attribution> gamma = Lrp.gamma(gammas[g]).explainTensor(model, x, Target.classIndex(cls));
                    for (int n = 0; n < 2; n++) {
                        distance[g] = Math.max(distance[g], TestNets.relativeL1(gamma.get(n).values(),
                                zPlus.get(n).values()));
                    }
                }
            }
            for (int g = 0; g < gammas.length; g++) {
                System.out.printf("%s LRP-γ(%.0f) vs z⁺ (αβ(1, 0)): worst relative L1 distance %.2e%n", engine,
                        gammas[g], distance[g]);
            }
            assertTrue(distance[0] > 0.05, "LRP-0 differs from z⁺, so the comparison can fail: " + distance[0]);
            assertTrue(distance[1] < distance[0] && distance[2] < distance[1] && distance[3] < distance[2],
                    "the distance shrinks as γ grows");
            assertTrue(distance[3] < 1e-3, "γ = 1e4 is within 1e-3 of z⁺: " + distance[3]);
        }
    }

    // ---------------------------------------------------------------- by hand

    /** flatten → dense(2 → 2) → ReLU → dense(2 → 1), no biases, on a 1×1×2 input; float64. */
    private static SequentialBlock twoLayerNet(NDManager m, double[] w1, double[] w2) {
        Linear first = Linear.builder().setUnits(2).optBias(false).build();
        Linear second = Linear.builder().setUnits(1).optBias(false).build();
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(first)
                .add(Activation.reluBlock()).add(second);
        net.initialize(m, DataType.FLOAT64, new Shape(1, 1, 1, 2));
        TestNets.set(first.getParameters().get("weight").getArray(), w1);
        TestNets.set(second.getParameters().get("weight").getArray(), w2);
        return net;
    }

    /** flatten → dense(2 → 1) with weights {@code w} and bias {@code b} (none if null); float64. */
    private static SequentialBlock oneLayerNet(NDManager m, double[] w, double[] b) {
        Linear dense = Linear.builder().setUnits(1).optBias(b != null).build();
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(dense);
        net.initialize(m, DataType.FLOAT64, new Shape(1, 1, 1, 2));
        TestNets.set(dense.getParameters().get("weight").getArray(), w);
        if (b != null) {
            TestNets.set(dense.getParameters().get("bias").getArray(), b);
        }
        return net;
    }

    private static float[] explain(Lrp lrp, SequentialBlock net, NDManager m, double... x) {
        ExplainableModel model = ExplainableModel.of(net, m, InputSpec.grey(1, 2));
        return lrp.explainTensor(model, m.create(x, new Shape(1, 1, 1, 2)), Target.classIndex(0)).get(0).values();
    }

    private static void near(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, what + ", input " + i);
        }
    }

    /**
     * x = (2, 1); W1 = [[1, −1], [2, 1]] (row k holds the weights of hidden unit k); W2 = [3, −0.2]; no biases.
     * Forward: h = (2 − 1, 4 + 1) = (1, 5), kept by the ReLU; y = 3·1 − 0.2·5 = 2.
     *
     * <p>LRP-γ with γ = 1, {@code ρ(w) = w + w⁺}: top layer ρ(W2) = [6, −0.2], z = 1·6 + 5·(−0.2) = 5, so
     * R_h = (1·6/5·2, 5·(−0.2)/5·2) = (2.4, −0.4). First layer ρ(W1) = [[2, −1], [4, 2]],
     * z = (2·2 + 1·(−1), 2·4 + 1·2) = (3, 10), so R_x1 = 2·2/3·2.4 + 2·4/10·(−0.4) = 3.2 − 0.32 = 2.88 and
     * R_x2 = 1·(−1)/3·2.4 + 1·2/10·(−0.4) = −0.8 − 0.08 = −0.88 (Σ = 2 = y).
     *
     * <p>LRP-0 on the same net: R_h = (1·3/2·2, 5·(−0.2)/2·2) = (3, −1); z = (1, 5);
     * R_x1 = 2·1/1·3 + 2·2/5·(−1) = 5.2, R_x2 = 1·(−1)/1·3 + 1·1/5·(−1) = −3.2.
     *
     * <p>With a bias, which LRP-γ boosts like a weight (x_0 = 1, w_0 = b): x = (2, 1), w = [3, −1], b = 1, y = 6;
     * ρ(w) = [6, −1], ρ(b) = 2, z = 12 − 1 + 2 = 13, R = (12/13·6, −1/13·6) = (72/13, −6/13), the bias keeping
     * 12/13. (Leaving the bias unboosted would give (6, −0.5).)
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void gammaMatchesATinyExampleComputedByHand(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = twoLayerNet(m, new double[] {1, -1, 2, 1}, new double[] {3, -0.2});
            near(new double[] {2.88, -0.88}, explain(Lrp.gamma(1), net, m, 2, 1), engine + " LRP-γ(1)");
            near(new double[] {5.2, -3.2}, explain(Lrp.epsilon(0), net, m, 2, 1), engine + " LRP-0");
            SequentialBlock biased = oneLayerNet(m, new double[] {3, -1}, new double[] {1});
            near(new double[] {72.0 / 13, -6.0 / 13}, explain(Lrp.gamma(1), biased, m, 2, 1),
                    engine + " LRP-γ(1) with a bias");
        }
    }

    /**
     * One dense layer w = [2, −1], no bias, on a grey input x = (0.5, 0.25): y = 1 − 0.25 = 0.75.
     *
     * <p>z^B with the spec's bounds (grey, no normalisation: l = 0, h = 1):
     * z_1 = 0.5·2 − 0·2 − 1·0 = 1, z_2 = 0.25·(−1) − 0·0 − 1·(−1) = 0.75, Σ = 1.75, so
     * R = (1/1.75·0.75, 0.75/1.75·0.75) = (3/7, 9/28). With bounds l = −1, h = 1 given:
     * z_1 = 1 − (−1)·2 − 0 = 3, z_2 = −0.25 − 0 − 1·(−1) = 0.75, Σ = 3.75, R = (0.6, 0.15). (LRP-0 would give
     * (1, −0.25).)
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void zBoxMatchesATinyExampleComputedByHand(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = oneLayerNet(m, new double[] {2, -1}, null);
            near(new double[] {3.0 / 7, 9.0 / 28}, explain(Lrp.of(ZBoxRule.fromSpec()), net, m, 0.5, 0.25),
                    engine + " z^B, bounds from the spec");
            near(new double[] {0.6, 0.15}, explain(Lrp.epsilon(0).first(ZBoxRule.of(-1, 1)), net, m, 0.5, 0.25),
                    engine + " z^B, bounds given");
            near(new double[] {1, -0.25}, explain(Lrp.epsilon(0), net, m, 0.5, 0.25), engine + " LRP-0");
        }
    }

    /**
     * z^B on a linear model with biases over normalised RGB pixels, against its closed form
     * {@code R_i = z_i / Σ_i z_i · y} with {@code z_i = x_i w_i − l_c w_i⁺ − h_c w_i⁻}, the bias left out of z (it
     * is in y), and l, h the bounds of pixels 0..1 after each channel's normalisation; given bounds equal to
     * those give the same map, other given bounds their own closed form.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void zBoxMatchesItsClosedFormOnALinearModel(String engine) {
        Shape shape = new Shape(2, 3, 3, 3);
        InputSpec spec = InputSpec.rgb(3, 3).normalized(new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f});
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.linear(CLASSES), m, DataType.FLOAT64, shape, 107);
            ExplainableModel model = ExplainableModel.of(net, m, spec);
            NDArray x = pixels(m, shape, spec, DataType.FLOAT64, 108);
            double[] xs = x.toDoubleArray();
            Linear dense = (Linear) net.getChildren().get(1).getValue();
            double[] w = dense.getParameters().get("weight").getArray().toDoubleArray();
            double[] b = dense.getParameters().get("bias").getArray().toDoubleArray();
            float[] low = new float[3];
            float[] high = new float[3];
            for (int c = 0; c < 3; c++) {
                low[c] = spec.normalize(c, 0f);
                high[c] = spec.normalize(c, 1f);
            }
            float[] wideLow = {-3, -3, -3};
            float[] wideHigh = {3, 3, 3};
            double worst = 0;
            for (int cls = 0; cls < CLASSES; cls++) {
                List<Attribution> fromSpec = Lrp.of(ZBoxRule.fromSpec()).explainTensor(model, x,
                        Target.classIndex(cls));
                List<Attribution> given = Lrp.of(ZBoxRule.of(low, high)).explainTensor(model, x,
                        Target.classIndex(cls));
                List<Attribution> wide = Lrp.of(ZBoxRule.of(-3, 3)).explainTensor(model, x, Target.classIndex(cls));
                for (int n = 0; n < 2; n++) {
                    double[] expected = closedForm(xs, n, w, b, cls, low, high);
                    worst = Math.max(worst, check(expected, fromSpec.get(n).values(), "z^B from the spec"));
                    assertArrayEquals(fromSpec.get(n).values(), given.get(n).values(), "given bounds equal to the"
                            + " spec's give the same map");
                    double[] expectedWide = closedForm(xs, n, w, b, cls, wideLow, wideHigh);
                    worst = Math.max(worst, check(expectedWide, wide.get(n).values(), "z^B with bounds ±3"));
                    assertTrue(TestNets.relativeL1(wide.get(n).values(), fromSpec.get(n).values()) > 1e-2,
                            "the bounds change the map");
                }
            }
            System.out.printf("%s z^B vs closed form on a linear model: max difference %.2e of the largest value%n",
                    engine, worst);
        }
    }

    private static double[] closedForm(double[] xs, int n, double[] w, double[] b, int cls, float[] low,
            float[] high) {
        int d = 27;
        double y = b[cls];
        double total = 0;
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            double wi = w[cls * d + i];
            double xi = xs[n * d + i];
            y += wi * xi;
            z[i] = xi * wi - low[i / 9] * Math.max(wi, 0) - high[i / 9] * Math.min(wi, 0);
            total += z[i];
        }
        double[] r = new double[d];
        for (int i = 0; i < d; i++) {
            r[i] = z[i] / total * y;
        }
        return r;
    }

    /** Asserts a map equals a reference to 1e-6 of its largest value; returns the largest difference so scaled. */
    private static double check(double[] expected, float[] actual, String what) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 1e-3, what + ": not trivially zero");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * scale, what + ", value " + i);
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / scale);
        }
        return worst;
    }

    // ---------------------------------------------------------------- composites

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void perLayerRulesCoverTheLayersTheyNameAndLeaveNoArrays(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(LrpTest.biasFreeNet(), m, DataType.FLOAT32, INPUT, 109);
            LrpTest.zeroShifts(net);
            ExplainableModel model = ExplainableModel.of(net, m, NORMALISED);
            NDArray x = pixels(m, INPUT, NORMALISED, DataType.FLOAT32, 110);
            Target target = Target.classIndex(2);
            // the first layer by index and by path: the same assignment
            Lrp byIndex = Lrp.gamma(0.25).first(EpsilonRule.of(0));
            Lrp byPath = Lrp.gamma(0.25).layer("01Conv2d", EpsilonRule.of(0));
            // γ on layers 1..4 over LRP-0: differs from byIndex only at layers without weights, where on this net
            // (zero BatchNorm shifts) both rules pass relevance in proportion to the inputs
            Lrp byRange = Lrp.epsilon(0).layers(1, 5, GammaRule.of(0.25));
            float[] index = byIndex.explainTensor(model, x, target).get(0).values();
            assertArrayEquals(index, byPath.explainTensor(model, x, target).get(0).values(), "path = index 0");
            double range = TestNets.relativeL1(byRange.explainTensor(model, x, target).get(0).values(), index);
            double gammaAll = TestNets.relativeL1(Lrp.gamma(0.25).explainTensor(model, x, target).get(0).values(),
                    index);
            System.out.printf("%s composites: layers(1, 5) γ over LRP-0 vs γ with LRP-0 first, relative L1 %.2e;"
                    + " γ everywhere vs γ with LRP-0 first %.3f%n", engine, range, gammaAll);
            assertTrue(range < 1e-5, "the index range covers layers 1..4: " + range);
            assertTrue(gammaAll > 1e-2, "the first layer's rule changes the map, so the comparisons can fail");
            // a block's path covers every layer inside it
            double inside = TestNets.relativeL1(Lrp.epsilon(0).layer("05NamedParallelBlock", GammaRule.of(0.25))
                    .explainTensor(model, x, target).get(0).values(),
                    Lrp.epsilon(0).layers(1, 3, GammaRule.of(0.25)).explainTensor(model, x, target).get(0).values());
            assertTrue(inside < 1e-5, "the residual unit's path covers its two convolutions: " + inside);

            Lrp composite = Lrp.epsilon(0.25).first(ZBoxRule.fromSpec()).layers(1, 4, GammaRule.of(0.25));
            assertEquals("{rule=composite, default=LRP-ε {rule=epsilon, epsilon=0.25}, layers with weights 0..0=LRP-z^B"
                    + " {rule=z-box, low=from spec, high=from spec}, layers with weights 1..3=LRP-γ {rule=gamma,"
                    + " gamma=0.25}}", composite.parameters().toString());
            model.layers();
            int before = m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size();
            List<Attribution> first = composite.explainTensor(model, x, target);
            List<Attribution> second = composite.explainTensor(model, x, target);
            assertEquals(before, m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size(),
                    "no array left behind");
            for (int n = 0; n < 2; n++) {
                assertArrayEquals(first.get(n).values(), second.get(n).values(), "deterministic");
                assertEquals("LRP", first.get(n).provenance().method());
                for (float v : first.get(n).values()) {
                    assertTrue(Float.isFinite(v), "finite");
                }
            }
        }
    }

    // ---------------------------------------------------------------- refusals

    private static void refused(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheValueAndTheFix() {
        refused(() -> GammaRule.of(-0.5), "gamma was -0.5", "expected a finite number ≥ 0 (e.g. 0.25");
        refused(() -> Lrp.gamma(Double.NaN), "gamma was NaN");
        refused(() -> GammaRule.of(Double.POSITIVE_INFINITY), "gamma was Infinity");
        refused(() -> ZBoxRule.of(1, 0), "z^B bounds of channel 0 were low 1.0 and high 0.0", "low < high");
        refused(() -> ZBoxRule.of(0, Double.NaN), "high NaN", "expected finite values");
        refused(() -> ZBoxRule.of(new float[] {0, 2}, new float[] {1, 1}), "channel 1 were low 2.0 and high 1.0");
        refused(() -> ZBoxRule.of(new float[] {0, 0, 0}, new float[] {1, 1}), "one low and one high value per"
                + " input channel");
        refused(() -> Lrp.gamma(0.25).layers(-1, 2, EpsilonRule.of(0)), "layers were -1 to 2", "0 ≤ from < to");
        refused(() -> Lrp.gamma(0.25).layers(3, 3, EpsilonRule.of(0)), "layers were 3 to 3");
        refused(() -> Lrp.of(null), "rule was null", "EpsilonRule.of(1e-6)");
        refused(() -> Lrp.gamma(0.25).first(null), "rule was null");
        refused(() -> Lrp.gamma(0.25).layer(" ", EpsilonRule.of(0)), "layer path was blank", "model.layers()");
        refused(() -> Lrp.of(GuidedRule.INSTANCE), "sends gradients, not relevance", "GuidedBackprop.create()");
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void assignmentsTheModelCannotTakeAreRefused(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(LrpTest.biasFreeNet(), m, DataType.FLOAT32, INPUT, 111);
            ExplainableModel model = ExplainableModel.of(net, m, NORMALISED);
            NDArray x = pixels(m, INPUT, NORMALISED, DataType.FLOAT32, 112);
            model.layers();
            int before = m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size();
            Target t = Target.classIndex(0);
            refused(() -> Lrp.gamma(0.25).layer("12Linear", EpsilonRule.of(0)).explainTensor(model, x, t),
                    "LRP assigns LRP-ε to a layer the model does not have: unknown layer '12Linear'",
                    "model.layers()");
            refused(() -> Lrp.gamma(0.25).layers(3, 6, EpsilonRule.of(0)).explainTensor(model, x, t),
                    "LRP assigns LRP-ε to layers with weights 3..5 but the model has 5 layers with weights before its"
                    + " output, numbered 0..4 (01Conv2d, 05NamedParallelBlock/01branch/01Conv2d,",
                    "assign within that range");
            refused(() -> Lrp.gamma(0.25).first(ZBoxRule.of(new float[] {0, 0}, new float[] {1, 1}))
                    .explainTensor(model, x, t), "z^B bounds have 2 values per bound but model", "takes 3 input"
                    + " channels; give one value per channel, or ZBoxRule.fromSpec()");
            // z^B beyond the first layer: its inputs are no longer pixels
            refused(() -> Lrp.of(ZBoxRule.fromSpec()).explainTensor(model, x, t), "LRP-z^B needs this layer's"
                    + " input as a function of the model's input", "layer '11Linear' is not fed by the model's"
                    + " input", "apply such a rule to the first layer with weights only");
            refused(() -> Lrp.gamma(0.25).layers(0, 2, ZBoxRule.fromSpec()).explainTensor(model, x, t),
                    "composite LRP needs", "layer '05NamedParallelBlock/01branch/01Conv2d' is not fed");
            assertEquals(before, m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size(),
                    "no array left behind by the refusals");
        }
    }
}
