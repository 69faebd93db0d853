package io.github.explain4j.djl.seam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seam's general trace on block trees, on both engines: several layers in one pass against one-layer passes,
 * gradients of a scalar mixing two layers and the output against float64 finite differences, gradients w.r.t.
 * the parameters an input is built from against the chain rule computed by hand, stopping early, the model left
 * untouched, no array left behind, and eight threads agreeing bit for bit.
 */
class TraceTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);
    private static final int CLASS = 3;
    private static final double H = 1e-6;
    /** Inside the residual unit, the unit itself, and the last ReLU (a spatial layer near the output). */
    private static final String INNER = "05ParallelBlock/01SequentialBlock/04Conv2d";
    private static final String UNIT = "05ParallelBlock";
    private static final String LAST = "09LambdaBlock";

    private static ExplainableModel residual(NDManager m, DataType type, long seed) {
        SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, type, INPUT, seed);
        return ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
    }

    /** The mixed scalar: a class logit, half the mean square of the unit's output, the mean of the last ReLU. */
    private static TraceRequest.Objective mixed() {
        return t -> t.output().get(":, " + CLASS).sum()
                .add(t.activation(UNIT).square().mean().mul(0.5))
                .add(t.activation(LAST).mean());
    }

    private static double[] doubles(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static double dot(NDArray a, NDArray b) {
        double[] x = doubles(a);
        double[] y = doubles(b);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void severalLayersInOnePassEqualOneLayerPasses(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel model = residual(m, DataType.FLOAT32, 41);
            ModelSeam seam = model.seam();
            try (NDManager scope = m.newSubManager()) {
                NDArray x = TestNets.randomInput(scope, INPUT, DataType.FLOAT32, 42);
                List<String> layers = List.of("01Conv2d", INNER, UNIT, LAST);
                Trace t = seam.trace(scope, TraceRequest.of(x).capture(layers.toArray(String[]::new)));
                for (String layer : layers) {
                    assertArrayEquals(seam.activation(scope, x, layer).toFloatArray(),
                            t.activation(layer).toFloatArray(), engine + ": " + layer);
                }
                assertArrayEquals(seam.forward(scope, x).toFloatArray(), t.output().toFloatArray(), engine);
                assertEquals(layers, List.copyOf(t.activations().keySet()), "captured in the order asked");
                // layer gradients of a class score, two layers in one pass, against one-layer gradient passes
                ScoreFunction score = out -> out.get(":, " + CLASS);
                Trace g = seam.trace(scope, TraceRequest.of(x).objective(v -> score.scores(v.output()))
                        .layerGradients(UNIT, LAST));
                for (String layer : List.of(UNIT, LAST)) {
                    GradientResult one = seam.gradients(scope, x, layer, score);
                    float[] expected = one.activationGradient().toFloatArray();
                    float[] actual = g.layerGradient(layer).toFloatArray();
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-6f * Math.max(1, Math.abs(expected[i])),
                                engine + ": gradient at " + layer + "[" + i + "]");
                    }
                    assertArrayEquals(one.activation().toFloatArray(), g.activation(layer).toFloatArray());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void gradientsOfAScalarMixingTwoLayersAndTheOutputMatchFiniteDifferences(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel model = residual(m, DataType.FLOAT64, 43);
            ModelSeam seam = model.seam();
            try (NDManager scope = m.newSubManager()) {
                NDArray x = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 44);
                Trace t = seam.trace(scope, TraceRequest.of(x).capture(UNIT, LAST).objective(mixed())
                        .inputGradient().layerGradients(UNIT));
                // the objective's value against the same scalar computed from plain passes
                double logit = seam.forward(scope, x).get(":, " + CLASS).sum().getDouble();
                NDArray unit = seam.activation(scope, x, UNIT);
                double expected = logit + 0.5 * unit.square().mean().getDouble()
                        + seam.activation(scope, x, LAST).mean().getDouble();
                assertEquals(expected, t.objectiveValue(), 1e-12 * Math.abs(expected), engine + ": objective value");
                // the input gradient, along random directions
                for (long seed = 200; seed < 204; seed++) {
                    NDArray v = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, seed);
                    double fd = (value(seam, scope, x.add(v.mul(H)), null, null)
                            - value(seam, scope, x.sub(v.mul(H)), null, null)) / (2 * H);
                    assertEquals(fd, dot(t.inputGradient(), v), 1e-6 * Math.max(1, Math.abs(fd)),
                            engine + ": input gradient along direction " + seed);
                }
                // the gradient at the unit: perturb its output (the edit is seen by the objective and the rest)
                for (long seed = 300; seed < 303; seed++) {
                    NDArray v = TestNets.randomInput(scope, unit.getShape(), DataType.FLOAT64, seed);
                    double fd = (value(seam, scope, x, UNIT, v.mul(H)) - value(seam, scope, x, UNIT, v.mul(-H)))
                            / (2 * H);
                    assertEquals(fd, dot(t.layerGradient(UNIT), v), 1e-6 * Math.max(1, Math.abs(fd)),
                            engine + ": gradient at the unit along direction " + seed);
                }
            }
        }
    }

    /** The mixed objective's value, without gradients, with {@code shift} added to {@code layer}'s output. */
    private static double value(ModelSeam seam, NDManager scope, NDArray x, String layer, NDArray shift) {
        TraceRequest r = TraceRequest.of(x).capture(UNIT, LAST).objective(mixed());
        if (layer != null) {
            r = r.edit(layer, a -> a.add(shift));
        }
        return seam.trace(scope, r).objectiveValue();
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void gradientsWithRespectToTheInputsParametersFollowTheChainRule(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel model = residual(m, DataType.FLOAT64, 45);
            ModelSeam seam = model.seam();
            int k = 7;
            int n = (int) INPUT.size() / 2; // one image: 3·8·8
            Random r = new Random(46);
            double[] p = new double[k];
            double[] mat = new double[k * n];
            for (int i = 0; i < k; i++) {
                p[i] = r.nextGaussian();
            }
            for (int i = 0; i < mat.length; i++) {
                mat[i] = r.nextGaussian() * 0.5;
            }
            try (NDManager scope = m.newSubManager()) {
                NDArray params = scope.create(p, new Shape(1, k));
                NDArray matrix = scope.create(mat, new Shape(k, n));
                Shape one = new Shape(1, 3, 8, 8);
                // x = sigmoid(p·M), as an image
                Trace t = seam.trace(scope, TraceRequest.fromParameters(List.of(params),
                                q -> Activation.sigmoid(q.head().matMul(matrix)).reshape(one))
                        .objective(v -> v.output().get(":, " + CLASS).sum()).inputGradient());
                // by hand: dJ/dp_i = Σ_j (∂J/∂x_j) s_j (1 − s_j) M_ij, with ∂J/∂x from a plain input-gradient pass
                double[] s = new double[n];
                for (int j = 0; j < n; j++) {
                    double z = 0;
                    for (int i = 0; i < k; i++) {
                        z += p[i] * mat[i * n + j];
                    }
                    s[j] = 1 / (1 + Math.exp(-z));
                }
                NDArray x = scope.create(s, one);
                assertArrayEquals(s, doubles(t.input()), 1e-12, engine + ": the input built from the parameters");
                double[] gx = doubles(seam.gradients(scope, x, null, out -> out.get(":, " + CLASS)).inputGradient());
                assertArrayEquals(gx, doubles(t.inputGradient()), 1e-12, engine + ": the input's gradient");
                double[] expected = new double[k];
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < n; j++) {
                        expected[i] += gx[j] * s[j] * (1 - s[j]) * mat[i * n + j];
                    }
                }
                assertEquals(1, t.parameterGradients().size());
                double[] actual = doubles(t.parameterGradients().get(0));
                for (int i = 0; i < k; i++) {
                    assertEquals(expected[i], actual[i], 1e-10 * Math.max(1, Math.abs(expected[i])),
                            engine + ": dJ/dp" + i);
                }
                assertArrayEquals(p, doubles(params), 0.0, "the caller's parameters are left unchanged");
                assertFalse(params.hasGradient(), "the caller's parameters are not marked for gradients");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aTraceThatStopsAfterItsLayersDoesNotRunTheRest(String engine) {
        AtomicInteger tailRuns = new AtomicInteger();
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = new SequentialBlock()
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optPadding(new Shape(1, 1))
                            .build())
                    .add(Activation.reluBlock())
                    .add(new LambdaBlock(list -> {
                        tailRuns.incrementAndGet();
                        return list;
                    }))
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(3).build());
            TestNets.init(net, m, DataType.FLOAT64, new Shape(1, 3, 6, 6), 47);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(6, 6));
            ModelSeam seam = model.seam();
            try (NDManager scope = m.newSubManager()) {
                NDArray x = TestNets.randomInput(scope, new Shape(1, 3, 6, 6), DataType.FLOAT64, 48);
                int before = tailRuns.get();
                Trace t = seam.trace(scope, TraceRequest.of(x).capture("02LambdaBlock").stopAfterCaptures()
                        .objective(v -> v.activation("02LambdaBlock").get(":, 1").sum()).inputGradient());
                assertEquals(before, tailRuns.get(), engine + ": the layers after the last captured one ran");
                assertFalse(t.hasOutput());
                assertThrows(IllegalStateException.class, t::output);
                // the gradient of channel 1's total activation is that of the full pass's
                Trace full = seam.trace(scope, TraceRequest.of(x).capture("02LambdaBlock")
                        .objective(v -> v.activation("02LambdaBlock").get(":, 1").sum()).inputGradient());
                assertEquals(before + 1, tailRuns.get(), engine + ": a full trace runs the tail once");
                assertArrayEquals(doubles(full.inputGradient()), doubles(t.inputGradient()), 0.0);
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> seam.trace(scope, TraceRequest.of(x).capture("01Conv2d").stopAfterCaptures()
                                .objective(v -> v.output().sum()).inputGradient()));
                assertTrue(e.getMessage().contains("stopAfterCaptures"), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void tracesLeaveTheModelUntouchedAndNoArrayBehind(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel model = residual(m, DataType.FLOAT32, 49);
            SequentialBlock net = (SequentialBlock) ((BlockTreeSeam) model.seam()).rootBlock();
            List<float[]> before = new ArrayList<>();
            List<Boolean> flags = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                before.add(p.getValue().getArray().toFloatArray());
                flags.add(p.getValue().getArray().hasGradient());
            }
            NDArray params = TestNets.randomInput(m, new Shape(2, 3, 8, 8), DataType.FLOAT32, 50);
            Runnable one = () -> model.call(scope -> {
                int inScope = scope.getManagedArrays().size();
                Trace t = model.seam().trace(scope, TraceRequest.fromParameters(List.of(params),
                                q -> q.head().tanh())
                        .capture(INNER, UNIT, LAST).objective(mixed()).inputGradient().layerGradients(UNIT, LAST));
                // the results (input, output, objective, 3 activations, input and 2 layer gradients, 1 parameter
                // gradient) are all that is left in the caller's scope
                assertEquals(inScope + 10, scope.getManagedArrays().size(), engine + ": arrays left in the scope");
                return t;
            });
            one.run();
            int baseline = m.getManagedArrays().size();
            int seamBaseline = model.seam().manager().getManagedArrays().size();
            for (int i = 0; i < 200; i++) {
                one.run();
            }
            assertEquals(baseline, m.getManagedArrays().size(), engine + ": arrays after 200 traces");
            assertEquals(seamBaseline, model.seam().manager().getManagedArrays().size(),
                    engine + ": arrays under the seam's manager after 200 traces");
            int i = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                assertArrayEquals(before.get(i), p.getValue().getArray().toFloatArray(), p.getKey());
                assertEquals(flags.get(i), p.getValue().getArray().hasGradient(), p.getKey() + " gradient flag");
                i++;
            }
            assertFalse(params.hasGradient(), "the caller's parameters are not marked for gradients");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void eightThreadsGiveIdenticalResults(String engine) throws Exception {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel model = residual(m, DataType.FLOAT32, 51);
            NDArray params = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 52);
            java.util.function.Supplier<List<float[]>> run = () -> model.call(scope -> {
                Trace t = model.seam().trace(scope, TraceRequest.fromParameters(List.of(params),
                                q -> q.head().tanh())
                        .capture(UNIT, LAST).objective(mixed()).inputGradient().layerGradients(UNIT));
                return List.of(t.output().toFloatArray(), t.activation(LAST).toFloatArray(),
                        t.inputGradient().toFloatArray(), t.layerGradient(UNIT).toFloatArray(),
                        t.parameterGradients().get(0).toFloatArray());
            });
            List<float[]> expected = run.get();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<float[]>>> futures = new ArrayList<>();
                for (int i = 0; i < 160; i++) {
                    futures.add(pool.submit(run::get));
                }
                int differing = 0;
                for (Future<List<float[]>> f : futures) {
                    List<float[]> got = f.get();
                    for (int j = 0; j < expected.size(); j++) {
                        if (!java.util.Arrays.equals(expected.get(j), got.get(j))) {
                            differing++;
                        }
                    }
                }
                assertEquals(0, differing, engine + ": results differing from the single-threaded trace");
            } finally {
                pool.shutdown();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void inconsistentRequestsAreRefusedWithTheFix(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel model = residual(m, DataType.FLOAT32, 53);
            ModelSeam seam = model.seam();
            try (NDManager scope = m.newSubManager()) {
                NDArray x = TestNets.randomInput(scope, INPUT, DataType.FLOAT32, 54);
                IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                        () -> seam.trace(scope, TraceRequest.of(x).capture("05ParallelBlock/nope")));
                assertTrue(unknown.getMessage().contains("nope") && unknown.getMessage().contains("01SequentialBlock"),
                        unknown.getMessage());
                IllegalArgumentException noObjective = assertThrows(IllegalArgumentException.class,
                        () -> seam.trace(scope, TraceRequest.of(x).inputGradient()));
                assertTrue(noObjective.getMessage().contains(".objective("), noObjective.getMessage());
                IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class,
                        () -> seam.trace(scope, TraceRequest.of(x).stopAfterCaptures()));
                assertTrue(nothing.getMessage().contains(".capture("), nothing.getMessage());
                IllegalArgumentException uncaptured = assertThrows(IllegalArgumentException.class,
                        () -> seam.trace(scope, TraceRequest.of(x).capture(UNIT)
                                .objective(v -> v.activation(LAST).sum()).inputGradient()));
                assertTrue(uncaptured.getMessage().contains(LAST) && uncaptured.getMessage().contains(".capture("),
                        uncaptured.getMessage());
                IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                        () -> seam.trace(scope, TraceRequest.of(x).capture(UNIT, "4")));
                assertTrue(same.getMessage().contains("same layer"), same.getMessage());
                assertThrows(IllegalArgumentException.class, () -> TraceRequest.of(null));
                assertThrows(IllegalArgumentException.class, () -> TraceRequest.fromParameters(List.of(),
                        q -> q.head()));
                Trace noGradient = seam.trace(scope, TraceRequest.of(x).capture(UNIT));
                IllegalStateException notAsked = assertThrows(IllegalStateException.class, noGradient::inputGradient);
                assertTrue(notAsked.getMessage().contains(".inputGradient()"), notAsked.getMessage());
            }
        }
    }
}
