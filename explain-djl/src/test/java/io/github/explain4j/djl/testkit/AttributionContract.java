package io.github.explain4j.djl.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks every attribution method passes on every engine — a reusable kit: extend this class, list your
 * methods in {@link #cases()}, and JUnit runs each on PyTorch and MXNet through the same checks: result shape and
 * provenance, finite and not all-zero values, determinism (with a seed), no native array left behind, concurrent
 * calls agreeing bit for bit with sequential ones, and clear errors on bad input (wrong size, wrong channels,
 * NaN, infinity, unknown class, unknown label, an array of another engine).
 *
 * <pre>{@code
 * class MyMethodContractTest extends AttributionContract {
 *     protected List<ContractCase> cases() {
 *         return List.of(ContractCase.of(MyMethod.create()), ContractCase.onReluBlocks(MyBackprop.create()));
 *     }
 * }
 * }</pre>
 *
 * <p>The network is a small residual CNN with BatchNorm, Dropout, max-pooling, a residual block and five classes
 * labelled {@code a}–{@code e} ({@link TestNets#residualNet}, inputs {@code (2, 3, 8, 8)}), randomly initialised
 * with a fixed seed; methods that need every ReLU to be a block of its own run on the same layers built that way
 * ({@link TestNets#reluBlockResidualNet}). Shipped in explain-djl's test jar
 * ({@code <classifier>tests</classifier>}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AttributionContract {

    /** The input shape of the contract's network. */
    public static final Shape INPUT = new Shape(2, 3, 8, 8);

    /** The network a case runs on. */
    public enum ContractNet {
        /** {@link TestNets#residualNet}: ReLUs as lambdas, one inside the residual join. */
        RESIDUAL(TestNets::residualNet),
        /** {@link TestNets#reluBlockResidualNet}: the same layers with every ReLU a block of its own. */
        RELU_BLOCKS(TestNets::reluBlockResidualNet);

        private final IntFunction<SequentialBlock> build;

        ContractNet(IntFunction<SequentialBlock> build) {
            this.build = build;
        }
    }

    /** One method to check and the network it runs on. */
    public record ContractCase(AttributionMethod method, ContractNet net) {
        /** A method that runs on any network. */
        public static ContractCase of(AttributionMethod method) {
            return new ContractCase(method, ContractNet.RESIDUAL);
        }

        /** A method that needs every ReLU to be a block (modified backpropagation). */
        public static ContractCase onReluBlocks(AttributionMethod method) {
            return new ContractCase(method, ContractNet.RELU_BLOCKS);
        }

        @Override
        public String toString() {
            return method + (net == ContractNet.RELU_BLOCKS ? " (ReLU blocks)" : "");
        }
    }

    /** The methods to check. */
    protected abstract List<ContractCase> cases();

    /** Every case on every engine. */
    protected Stream<Arguments> arguments() {
        return TestNets.ENGINES.stream().flatMap(e -> cases().stream().map(c -> Arguments.of(e, c)));
    }

    /** Something to run with the contract's model and input. */
    protected interface Body {
        /** Runs with the manager that holds the model and input. */
        void run(NDManager manager, ExplainableModel model, NDArray input);
    }

    /** Runs {@code body} with the contract's network on {@code engine}, named {@code residual-net}. */
    protected static void withModel(String engine, ContractNet net, Body body) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock block = TestNets.init(net.build.apply(5), m, DataType.FLOAT32, INPUT, 21);
            ExplainableModel model = ExplainableModel.of(block, m, InputSpec.rgb(8, 8)
                    .withLabels(List.of("a", "b", "c", "d", "e"))).withName("residual-net");
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 22);
            body.run(m, model, x);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("arguments")
    void shapeProvenanceFinitenessDeterminismAndNoLeak(String engine, ContractCase c) {
        AttributionMethod method = c.method();
        withModel(engine, c.net(), (m, model, x) -> {
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
                boolean nonZero = false;
                for (float v : a.values()) {
                    assertTrue(Float.isFinite(v), "finite values");
                    nonZero |= v != 0f;
                }
                assertTrue(nonZero, "not all zero");
                assertArrayEquals(a.values(), second.get(n).values(), "deterministic");
                assertEquals(method.name(), a.provenance().method());
                assertEquals(engine, a.provenance().engine());
                assertEquals("residual-net", a.provenance().model());
                assertEquals(2, a.provenance().targetClass());
                assertTrue(a.provenance().target().contains("'c'"), a.provenance().target());
                assertEquals(method.seed(), a.provenance().seed());
                assertEquals(method.parameters(), a.provenance().parameters(), "provenance names the settings");
            }
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("arguments")
    void concurrentCallsAgreeWithSequentialOnes(String engine, ContractCase c) throws Exception {
        AttributionMethod method = c.method();
        List<float[]> expected = new ArrayList<>();
        List<List<float[]>> got = new ArrayList<>();
        withModel(engine, c.net(), (m, model, x) -> {
            for (Attribution a : method.explainTensor(model, x, Target.topPrediction())) {
                expected.add(a.values());
            }
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<List<Attribution>>> futures = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    futures.add(pool.submit(() -> method.explainTensor(model, x, Target.topPrediction())));
                }
                for (Future<List<Attribution>> f : futures) {
                    got.add(f.get().stream().map(Attribution::values).toList());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdown();
            }
        });
        for (List<float[]> maps : got) {
            for (int n = 0; n < expected.size(); n++) {
                assertArrayEquals(expected.get(n), maps.get(n), engine + ": " + method + " from another thread");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("arguments")
    void badInputIsRefusedWithTheValueNamed(String engine, ContractCase c) {
        AttributionMethod method = c.method();
        withModel(engine, c.net(), (m, model, x) -> {
            expect(IllegalArgumentException.class, "(2, 3, 9, 8)",
                    () -> method.explainTensor(model, m.zeros(new Shape(2, 3, 9, 8)), Target.topPrediction()));
            expect(IllegalArgumentException.class, "has 1 channels",
                    () -> method.explainTensor(model, m.zeros(new Shape(1, 1, 8, 8)), Target.topPrediction()));
            NDArray nan = x.duplicate();
            nan.set(new NDIndex("1, 2, 3, 4"), Float.NaN);
            expect(IllegalArgumentException.class, "NaN",
                    () -> method.explainTensor(model, nan, Target.topPrediction()));
            NDArray inf = x.duplicate();
            inf.set(new NDIndex("0, 0, 0, 0"), Float.POSITIVE_INFINITY);
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

    /** Asserts that {@code body} throws {@code type} with a message containing {@code fragment}. */
    protected static void expect(Class<? extends Throwable> type, String fragment, Executable body) {
        Throwable t = assertThrows(type, body::execute);
        assertTrue(t.getMessage().contains(fragment), "message '" + t.getMessage() + "' should name '" + fragment + "'");
    }

    /** A body that may throw. */
    @FunctionalInterface
    protected interface Executable {
        /** Runs. */
        void execute() throws Throwable;
    }
}
