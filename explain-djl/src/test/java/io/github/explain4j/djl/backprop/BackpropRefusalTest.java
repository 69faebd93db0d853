package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.combined.GuidedGradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The modified-backpropagation methods apply their rule at every ReLU or refuse the model, naming each layer
 * they cannot vouch for: ReLUs hidden in anonymous lambdas, in a residual join, in a custom block, a block named
 * "ReLU" that computes something else, an activation without a rule. Layers after the output layer are not
 * checked.
 */
class BackpropRefusalTest {

    private static final Shape INPUT = new Shape(1, 3, 8, 8);

    private static final List<AttributionMethod> METHODS = List.of(GuidedBackprop.create(), Deconvnet.create(),
            GuidedGradCam.create(), Lrp.epsilon(1e-6), Lrp.alphaBeta(2, 1));

    private interface Body {
        void run(NDManager m, ExplainableModel model, NDArray x);
    }

    private static void with(String engine, Block net, Body body) {
        try (NDManager m = TestNets.manager(engine)) {
            TestNets.init(net, m, DataType.FLOAT32, INPUT, 71);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 72);
            body.run(m, model, x);
        }
    }

    private static String refusal(AttributionMethod method, ExplainableModel model, NDArray x, NDManager m) {
        int before = m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> method.explainTensor(model, x, Target.classIndex(0)), method + " must refuse");
        assertEquals(before, m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size(),
                "no array left behind by the refusal");
        System.out.println(method.name() + ": " + e.getMessage());
        return e.getMessage();
    }

    private static void contains(String message, String... fragments) {
        for (String f : fragments) {
            assertTrue(message.contains(f), "message '" + message + "' should contain '" + f + "'");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void reluInsideAResidualJoinAndAnonymousLambdasAreRefusedByEveryMethod(String engine) {
        with(engine, TestNets.residualNet(4), (m, model, x) -> {
            String guided = refusal(GuidedBackprop.create(), model, x, m);
            // the three anonymous ReLU lambdas (one inside the residual branch) and the join relu(a + b)
            contains(guided, "guided backpropagation must apply its rule at every ReLU and refuses the model (4"
                    + " layers): layer '03LambdaBlock' (LambdaBlock 'anonymous') may hide a ReLU; layer"
                    + " '05ParallelBlock' joins its branches with a function other than NamedBlocks.sum() and may hide"
                    + " a ReLU (as in relu(a + b)); layer '05ParallelBlock/01SequentialBlock/03LambdaBlock'"
                    + " (LambdaBlock 'anonymous') may hide a ReLU; layer '09LambdaBlock' (LambdaBlock 'anonymous')"
                    + " may hide a ReLU. To explain it: build ReLUs with Activation.reluBlock()",
                    "build residual units as NamedParallelBlock(NamedBlocks.sum()) followed by Activation.reluBlock()");
            contains(refusal(Deconvnet.create(), model, x, m), "deconvnet must apply its rule at every ReLU and"
                    + " refuses the model (4 layers)", "05ParallelBlock");
            contains(refusal(GuidedGradCam.create(), model, x, m), "guided backpropagation must apply");
            contains(refusal(Lrp.epsilon(1e-6), model, x, m), "LRP-ε must apply", "05ParallelBlock");
            contains(refusal(Lrp.alphaBeta(1, 0), model, x, m), "LRP-αβ must apply", "03LambdaBlock");
        });
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aReluHiddenOnlyInTheJoinIsRefusedAndNamed(String engine) {
        SequentialBlock branch = new SequentialBlock().add(conv(3)).add(Activation.reluBlock()).add(conv(3));
        ParallelBlock reluJoin = new ParallelBlock(list -> new NDList(Activation.relu(
                list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow()))),
                List.of(branch, Blocks.identityBlock()));
        SequentialBlock net = head().add(reluJoin).add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(3).build());
        with(engine, net, (m, model, x) -> {
            for (AttributionMethod method : METHODS) {
                String message = refusal(method, model, x, m);
                contains(message, "refuses the model: layer '03ParallelBlock' joins its branches with a function"
                        + " other than NamedBlocks.sum() and may hide a ReLU");
                assertFalse(message.contains("layers)"), "only one layer is named: " + message);
            }
        });
    }

    /** A block whose class is not DJL's LambdaBlock, even though it carries the name "ReLU". */
    static final class LookalikeRelu extends LambdaBlock {
        LookalikeRelu() {
            super(list -> new NDList(list.singletonOrThrow().abs()), "ReLU");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void customBlocksAndLookalikeRelusAreRefused(String engine) {
        with(engine, head().add(new LookalikeRelu()).add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(3).build()), (m, model, x) -> contains(
                        refusal(GuidedBackprop.create(), model, x, m), "layer '03LookalikeRelu' (LookalikeRelu) is a"
                                + " block whose forward explain4j cannot see into and may hide a ReLU"));
        Function<NDList, NDList> abs = list -> new NDList(list.singletonOrThrow().abs());
        // right after a convolution, so that its inputs have both signs
        with(engine, new SequentialBlock().add(conv(3)).add(new LambdaBlock(abs, "ReLU"))
                .add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(3).build()), (m, model, x) -> contains(
                        refusal(Lrp.epsilon(0), model, x, m), "layer '02LambdaBlock' (LambdaBlock 'ReLU') is named"
                                + " like a ReLU but does not compute max(x, 0)"));
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void anActivationWithoutARuleIsRefusedUnlessItComesAfterTheOutputLayer(String engine) {
        with(engine, head().add(Activation.sigmoidBlock()).add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(3).build()), (m, model, x) -> contains(
                        refusal(Deconvnet.create(), model, x, m), "layer '03LambdaBlock' is the activation"
                                + " 'sigmoid', for which deconvnet has no rule. To explain it: explain the layer"
                                + " before such an activation with model.withOutputLayer(...)"));
        // an unvouched block after the output layer is neither run nor checked
        SequentialBlock net = head().add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(3).build())
                .add(new LambdaBlock(list -> new NDList(Activation.relu(list.singletonOrThrow()).softmax(-1))));
        with(engine, net, (m, model, x) -> {
            assertThrows(IllegalArgumentException.class,
                    () -> GuidedBackprop.create().explainTensor(model, x, Target.classIndex(0)));
            ExplainableModel logits = model.withOutputLayer("04Linear");
            float[] map = GuidedBackprop.create().explainTensor(logits, x, Target.classIndex(0)).get(0).values();
            assertEquals(3 * 64, map.length);
            assertFalse(java.util.Arrays.equals(map, new float[map.length]), "a map that is not all zero");
            float[] again = GuidedBackprop.create().explainTensor(logits, x, Target.classIndex(0)).get(0).values();
            assertArrayEquals(map, again);
        });
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void anOutputLayerInsideAResidualBranchStopsThereAndSkipsTheJoin(String engine) {
        // the join relu(a + b) comes after the output layer, inside the branch: it is neither run nor refused
        Conv2d c1 = conv(3);
        Conv2d c2 = conv(3);
        SequentialBlock branch = new SequentialBlock().add(c2).add(Activation.reluBlock()).add(conv(3));
        ParallelBlock reluJoin = new ParallelBlock(list -> new NDList(Activation.relu(
                list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow()))),
                List.of(branch, Blocks.identityBlock()));
        SequentialBlock net = new SequentialBlock().add(c1).add(Activation.reluBlock()).add(reluJoin)
                .add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(3).build());
        io.github.explain4j.djl.CustomTarget sum = io.github.explain4j.djl.CustomTarget.of(
                out -> out.mul(out).sum(new int[] {3}).sum(new int[] {2}).sum(new int[] {1}), "Σ a²");
        with(engine, net, (m, model, x) -> {
            ExplainableModel inner = model.withOutputLayer("03ParallelBlock/01SequentialBlock/02LambdaBlock");
            float[] stopped = GuidedBackprop.create().explainTensor(inner, x, sum).get(0).values();
            // the network up to that ReLU, built again with the same parameters
            Conv2d d1 = conv(3);
            Conv2d d2 = conv(3);
            SequentialBlock head = new SequentialBlock().add(d1).add(Activation.reluBlock()).add(d2)
                    .add(Activation.reluBlock());
            head.initialize(m, DataType.FLOAT32, INPUT);
            copy(c1, d1);
            copy(c2, d2);
            float[] truncated = GuidedBackprop.create()
                    .explainTensor(ExplainableModel.of(head, m, InputSpec.rgb(8, 8)), x, sum).get(0).values();
            assertArrayEquals(truncated, stopped, 1e-6f);
            assertFalse(java.util.Arrays.equals(stopped, new float[stopped.length]), "a map that is not all zero");
        });
    }

    private static void copy(Block from, Block to) {
        for (String p : List.of("weight", "bias")) {
            NDArray a = from.getParameters().get(p).getArray();
            TestNets.set(to.getParameters().get(p).getArray(), a.toType(DataType.FLOAT64, false).toDoubleArray());
        }
    }

    /** conv3×3(4)-ReLU, ReLU as its own block. */
    private static SequentialBlock head() {
        return new SequentialBlock().add(conv(3)).add(Activation.reluBlock());
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).optPadding(new Shape(1, 1))
                .build();
    }
}
