package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.blocks.NamedSequentialBlock;
import io.github.explain4j.djl.core.Objectives;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.djl.tfjs.TfjsModels;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import io.github.explain4j.optim.Parameterization;
import io.github.explain4j.optim.Transforms;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The redirected-ReLU gradient (Lucid's, for the first steps of a feature visualisation), on both engines: its
 * values on a two-layer network against the closed form written out by hand, for dead, alive and saturated units
 * (ReLU and ReLU6), per image of a batch; and its purpose — an objective whose units are all off at the random
 * start does not move without it and does with it.
 */
class RedirectedReluTest {

    private static final double[] W1 = {
        0.5, -1.0, 0.25, 2.0,
        -0.75, 0.5, 1.5, -0.5,
        1.0, 1.0, -2.0, 0.25};
    private static final double[] W2 = {
        1.5, -2.0, 0.5,
        -1.0, 0.75, 2.0};

    /** flatten → dense(3) → activation → dense(2), weights {@link #W1}, {@link #W2}, hidden biases {@code b1}. */
    private static ExplainableModel net(NDManager m, Block activation, double[] b1) {
        NamedSequentialBlock net = new NamedSequentialBlock().add("flat", Blocks.batchFlattenBlock())
                .add("hidden", Linear.builder().setUnits(3).build()).add("act", activation)
                .add("logits", Linear.builder().setUnits(2).build());
        net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 2, 2));
        var hidden = net.getChildren().get(1).getValue().getParameters();
        var logits = net.getChildren().get(3).getValue().getParameters();
        TestNets.set(hidden.get(0).getValue().getArray(), W1);
        TestNets.set(hidden.get(1).getValue().getArray(), b1);
        TestNets.set(logits.get(0).getValue().getArray(), W2);
        TestNets.set(logits.get(1).getValue().getArray(), new double[] {0.1, -0.2});
        return ExplainableModel.of(net, m, InputSpec.grey(2, 2));
    }

    /** The redirected input gradient of logit 0 at {@code x} ({@code N × 4}), and the objective's value. */
    private static RedirectedRelu.Step step(ExplainableModel model, NDManager m, double[] x, int n) {
        NDArray theta = m.create(toFloat(x), new Shape(n, 1, 2, 2));
        return RedirectedRelu.of(model.seam(), Objective.classLogit(0))
                .step(m, theta, q -> new RedirectedRelu.Built(q, q));
    }

    /** {@code Σ_i open_i · W2[0, i] · W1[i, :]}: the gradient of logit 0 through the hidden units that are open. */
    private static float[] through(boolean... open) {
        float[] g = new float[4];
        for (int i = 0; i < 3; i++) {
            if (open[i]) {
                for (int j = 0; j < 4; j++) {
                    g[j] += (float) (W2[i] * W1[i * 4 + j]);
                }
            }
        }
        return g;
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void reluPassesTheTrueGradientOrWhenNothingPassesTheUpwardPartPerImage(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            // biases put every hidden unit far below zero for image 0; image 1 is large enough to open unit 0 only
            ExplainableModel model = net(m, Activation.reluBlock(), new double[] {-10, -10, -10});
            double[] x = {0.5, 0.25, -0.5, 1.0, 10, -4, 2, 3};
            // image 1: pre-activations (10·0.5 + 4 + 0.5 + 6) − 10 = 5.5 > 0, (−7.5 − 2 + 3 − 1.5) − 10 < 0,
            // (10 − 4 − 4 + 0.75) − 10 < 0
            RedirectedRelu.Step s = step(model, m, x, 2);
            float[] g = s.gradient().toFloatArray();
            // the objective is the batch mean of logit 0, so each image's gradient carries a factor 1/2
            // image 0: all dead; g at the ReLU is W2[0, :]/2 = (0.75, −1, 0.25): units 0 and 2 pushed up pass
            assertArrayEquals(half(through(true, false, true)), Arrays.copyOfRange(g, 0, 4), 1e-5f, engine + " dead");
            // image 1: unit 0 passes gradient, so the true gradient
            assertArrayEquals(half(through(true, false, false)), Arrays.copyOfRange(g, 4, 8), 1e-5f,
                    engine + " alive");
            // the value is the true objective: the mean over the batch of logit 0
            double logit0 = 0.1 + (1.5 * 5.5);
            assertEquals((0.1 + logit0) / 2, s.value(), 1e-4, engine + " value");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void relu6AlsoLetsSaturatedUnitsPassGradientThatPushesThemDown(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            // unit 0 far below 0 (g = 1.5 > 0: passes), unit 1 far above 6 (g = −2 < 0: passes), unit 2 far above
            // 6 (g = 0.5 > 0: would push it further up, blocked)
            ExplainableModel model = net(m, Activation.relu6Block(), new double[] {-10, 20, 20});
            double[] x = {0.5, 0.25, -0.5, 1.0};
            float[] g = step(model, m, x, 1).gradient().toFloatArray();
            assertArrayEquals(through(true, true, false), g, 1e-5f, engine);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aChannelThatIsOffAtTheStartMovesOnlyWithTheRedirectedGradient(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            // one 3×3 convolution over 3 channels with weights 0.1 and bias −1.6: a patch gives 2.7·(its mean) − 1.6,
            // off while the mean is below 0.593 — the grey start (≈ 0.5) is off everywhere — and on for brighter ones
            NamedSequentialBlock net = new NamedSequentialBlock()
                    .add("conv", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2).build())
                    .add("relu", Activation.reluBlock()).add("pool", Blocks.batchFlattenBlock())
                    .add("logits", Linear.builder().setUnits(2).build());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            TestNets.randomize(net, 7);
            var conv = net.getChildren().get(0).getValue().getParameters();
            double[] w = new double[2 * 27];
            Arrays.fill(w, 0.1);
            TestNets.set(conv.get(0).getValue().getArray(), w);
            TestNets.set(conv.get(1).getValue().getArray(), new double[] {-1.6, 0});
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            FeatureVisualization fv = FeatureVisualization.of(Objective.channel("relu", 0))
                    .parameterization(Parameterization.pixels()).transforms(Transforms.none()).steps(40).seed(3);
            FeatureImage plain = fv.optimize(model);
            FeatureImage redirected = fv.redirectedRelu(16).optimize(model);
            double[] h = plain.objectiveHistory();
            assertEquals(0.0, h[h.length - 1], 0.0, engine + ": without redirection the dead channel stays at 0");
            ImageParameterization start = new ImageParameterization(Parameterization.pixels(), 3, 8, 8);
            // the start image as the optimisation makes it (on the heap)
            float[] first = start.onHeap().image(model.call(scope -> start.initial(scope, 3).toFloatArray()));
            assertArrayEquals(first, plain.image(0), 0f, engine + ": and the image does not move");
            double[] r = redirected.objectiveHistory();
            assertEquals(0.0, r[0], 0.0, engine + ": the start is dead");
            assertTrue(r[r.length - 1] > 0.1, engine + ": with 16 redirected steps the channel comes alive: "
                    + Arrays.toString(r));
            assertEquals("16 steps", redirected.provenance().parameters().get("redirectedRelu"));
        }
    }

    /**
     * On a real network with ReLU6 (the imported MobileNetV2) and a photo that drives the channel, every ReLU6
     * passes gradient, so the redirected gradient is the ordinary one (the trace's), to float rounding.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void onALiveImageOfMobileNetV2TheRedirectedGradientIsTheGradient(String engine) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        try (Model m = TfjsModels.mobileNetV2(root.resolve("models"), engine)) {
            ExplainableModel model = ExplainableModel.of(m, InputSpec.rgb(224, 224)).withSpec(InputSpec.rgb(96, 96));
            Objective channel = Objective.channel("block_3_expand_relu", 5);
            BufferedImage photo = ImageIO.read(root.resolve("assets/images/chelsea.png").toFile());
            float[][] g = model.call(scope -> {
                NDArray x = model.pixelsToInput(scope, Images.toChw(photo, 3, 96, 96));
                float[] redirected = RedirectedRelu.of(model.seam(), channel)
                        .step(scope, x, q -> new RedirectedRelu.Built(q, q)).gradient().toFloatArray();
                float[] plain = model.seam().trace(scope, Objectives.request(TraceRequest.of(x).inputGradient(),
                        channel, () -> null)).inputGradient().toFloatArray();
                return new float[][] {redirected, plain};
            });
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < g[1].length; i++) {
                scale = Math.max(scale, Math.abs(g[1][i]));
                diff = Math.max(diff, Math.abs(g[0][i] - g[1][i]));
            }
            int worst = 0;
            for (int i = 0; i < g[1].length; i++) {
                if (Math.abs(g[0][i] - g[1][i]) > Math.abs(g[0][worst] - g[1][worst])) {
                    worst = i;
                }
            }
            System.out.println(engine + " worst at " + worst + " (c " + worst / 9216 + " y " + worst % 9216 / 96
                    + " x " + worst % 96 + "): " + g[0][worst] + " vs " + g[1][worst]);
            int nz0 = 0, nz1 = 0;
            for (int i = 0; i < g[1].length; i++) { nz0 += g[0][i] != 0 ? 1 : 0; nz1 += g[1][i] != 0 ? 1 : 0; }
            System.out.println(engine + " nonzero " + nz0 + " vs " + nz1);
            System.out.println(engine + " at 19430: " + g[0][19430] + " vs " + g[1][19430] + "; at 14869: " + g[0][14869] + " vs " + g[1][14869]);
            assertTrue(scale > 0, engine + ": the channel is alive on the photo");
            assertTrue(diff <= 1e-4 * scale, engine + ": redirected and plain gradients differ by " + diff
                    + " of the largest " + scale);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void refusesWhatItCannotDo(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel model = net(m, Activation.reluBlock(), new double[] {0, 0, 0});
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                    () -> FeatureVisualization.of(Objective.classLogit(0)).redirectedRelu(-1));
            assertTrue(negative.getMessage().contains("redirected-ReLU steps was -1"), negative.getMessage());
            IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                    () -> FeatureVisualization.of(Objective.channel("hidden", 0).plus(Objective.channel("act", 1)))
                            .redirectedRelu(4).steps(2).optimize(model));
            assertTrue(two.getMessage().contains("sends the gradient back from one layer")
                    && two.getMessage().contains("redirectedRelu(0)"), two.getMessage());
            ExplainableModel sigmoid = net(m, Activation.sigmoidBlock(), new double[] {0, 0, 0});
            IllegalArgumentException activation = assertThrows(IllegalArgumentException.class,
                    () -> FeatureVisualization.of(Objective.classLogit(0)).redirectedRelu(4).steps(2)
                            .optimize(sigmoid));
            assertTrue(activation.getMessage().contains("redirectedRelu(...) rewrites the backward pass")
                    && activation.getMessage().contains("act' is the activation 'sigmoid'"), activation.getMessage());
        }
    }

    private static float[] half(float[] v) {
        float[] h = v.clone();
        for (int i = 0; i < h.length; i++) {
            h[i] /= 2;
        }
        return h;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
