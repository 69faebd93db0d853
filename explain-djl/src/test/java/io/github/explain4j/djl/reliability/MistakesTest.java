package io.github.explain4j.djl.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.CustomTarget;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.Explainer;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.cam.ScoreCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.perturbation.Occlusion;
import io.github.explain4j.djl.perturbation.Rise;
import io.github.explain4j.djl.torchscript.TorchScriptModels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8, point 5: mistakes must not return a map. Each mistake a user can make — a model described with the
 * wrong size or channel count, settings that cannot cover the image, pixels that were never normalised, a target
 * whose score is NaN, nulls, an empty batch, a channels-last tensor — is refused with an exception whose message
 * names the bad value and the fix; legitimate neighbours of each mistake still give a map.
 */
class MistakesTest {

    private static final int S = 64;
    private static final Shape ONE = new Shape(1, 3, S, S);
    private static final String ENGINES = "io.github.explain4j.djl.fixtures.TestNets#engines";

    private interface Body {
        void run(NDManager manager, SequentialBlock net, ExplainableModel model);
    }

    /** The residual test net initialised for 64×64 RGB inputs, wrapped with the matching spec. */
    private static void withModel(String engine, Body body) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, ONE, 81);
            body.run(m, net, ExplainableModel.of(net, m, InputSpec.rgb(S, S)).withName("net64"));
        }
    }

    private static <T extends Throwable> void expect(Class<T> type, Executable call, String... fragments) {
        T t = assertThrows(type, call);
        for (String fragment : fragments) {
            assertTrue(String.valueOf(t.getMessage()).contains(fragment),
                    "message '" + t.getMessage() + "' should contain '" + fragment + "'");
        }
    }

    private static BufferedImage image(long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(S, S, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        return img;
    }

    private static void assertFiniteAndNotZero(Attribution a) {
        boolean nonZero = false;
        for (float v : a.values()) {
            assertTrue(Float.isFinite(v), "finite values");
            nonZero |= v != 0f;
        }
        assertTrue(nonZero, "a map that is not all zero");
    }

    // ------------------------------------------------------------------ 1. the spec against the model's shapes

    @ParameterizedTest
    @MethodSource(ENGINES)
    void aSpecOfAnotherSizeThanTheModelWasInitialisedForIsRefused(String engine) {
        withModel(engine, (m, net, model) -> expect(IllegalArgumentException.class,
                () -> ExplainableModel.of(net, m, InputSpec.rgb(32, 32)),
                "32×32", "(1, 3, 64, 64)", "InputSpec.rgb(64, 64)"));
        try (Model djl = Model.newInstance("wrapped", engine)) {
            SequentialBlock net = TestNets.residualNet(5);
            djl.setBlock(net);
            TestNets.init(net, djl.getNDManager(), DataType.FLOAT32, ONE, 82);
            expect(IllegalArgumentException.class, () -> ExplainableModel.of(djl, InputSpec.rgb(48, 64)),
                    "48×64", "(1, 3, 64, 64)", "InputSpec.rgb(64, 64)", "'wrapped'");
        }
    }

    @ParameterizedTest
    @MethodSource(ENGINES)
    void aLoadedModelReportsItsSavedSizeAndIsCheckedToo(String engine) throws Exception {
        Path dir = Files.createTempDirectory("mistakes-" + engine);
        try (Model saved = Model.newInstance("saved", engine)) {
            SequentialBlock net = TestNets.residualNet(5);
            saved.setBlock(net);
            TestNets.init(net, saved.getNDManager(), DataType.FLOAT32, ONE, 83);
            saved.save(dir, "saved");
        }
        try (Model loaded = Model.newInstance("saved", engine)) {
            loaded.setBlock(TestNets.residualNet(5));
            loaded.load(dir, "saved");
            expect(IllegalArgumentException.class, () -> ExplainableModel.of(loaded, InputSpec.rgb(128, 128)),
                    "128×128", "(1, 3, 64, 64)", "InputSpec.rgb(64, 64)");
            // the right size is accepted, and the model explains
            ExplainableModel ok = ExplainableModel.of(loaded, InputSpec.rgb(S, S));
            assertFiniteAndNotZero(Saliency.create().explain(ok, image(1), Target.classIndex(2)));
        }
    }

    @ParameterizedTest
    @MethodSource(ENGINES)
    void aGreySpecOnAnRgbModelIsRefusedAtWrapTime(String engine) {
        withModel(engine, (m, net, model) -> expect(IllegalArgumentException.class,
                () -> ExplainableModel.of(net, m, InputSpec.grey(S, S)),
                "takes 3 channels", "InputSpec.grey(64, 64)", "use InputSpec.rgb(64, 64)"));
    }

    /** A residual net that does not report the shapes it was initialised for, like a model from elsewhere. */
    private static SequentialBlock silent(NDManager m) {
        SequentialBlock net = new SequentialBlock() {
            @Override
            public Shape[] getInputShapes() {
                throw new UnsupportedOperationException("no recorded shapes");
            }
        };
        net.addAll(TestNets.residualNet(5).getChildren().values());
        return TestNets.init(net, m, DataType.FLOAT32, ONE, 84);
    }

    @ParameterizedTest
    @MethodSource(ENGINES)
    void whenTheModelCannotTellTheFirstPassNamesTheSpec(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel grey = ExplainableModel.of(silent(m), m, InputSpec.grey(S, S));
            expect(IllegalArgumentException.class,
                    () -> Saliency.create().explain(grey, image(2), Target.topPrediction()),
                    "(1, 1, 64, 64)", "InputSpec[1x64x64", "InputSpec.rgb(H, W)");
            try (NDManager scope = m.newSubManager()) {
                NDArray x = TestNets.randomInput(scope, new Shape(1, 1, S, S), DataType.FLOAT32, 3);
                expect(IllegalArgumentException.class,
                        () -> GradCam.create().explainTensor(grey, x, Target.classIndex(0)),
                        "(1, 1, 64, 64)", "InputSpec[1x64x64", "InputSpec.rgb(H, W)");
            }
            // the same silent model at its real size explains
            ExplainableModel rgb = ExplainableModel.of(silent(m), m, InputSpec.rgb(S, S));
            assertFiniteAndNotZero(Saliency.create().explain(rgb, image(2), Target.topPrediction()));
        }
    }

    @Test
    void aTorchScriptModuleGivenTheWrongChannelsNamesTheSpecOnItsFirstPass() throws Exception {
        Path pt = Path.of(MistakesTest.class.getResource("/torchscript/tiny_cnn_plain.pt").toURI());
        try (Model module = TorchScriptModels.load(pt)) {
            ExplainableModel grey = ExplainableModel.of(module, InputSpec.grey(16, 16));
            expect(IllegalArgumentException.class,
                    () -> Saliency.create().explain(grey, image(4), Target.topPrediction()),
                    "(1, 1, 16, 16)", "InputSpec[1x16x16", "InputSpec.rgb(H, W)");
        }
    }

    // ------------------------------------------------------------------ 2, 3. settings that cannot cover the image

    @ParameterizedTest
    @MethodSource(ENGINES)
    void anOcclusionWindowLargerThanTheImageIsRefused(String engine) {
        withModel(engine, (m, net, model) -> expect(IllegalArgumentException.class,
                () -> Occlusion.create().window(100).explain(model, image(5), Target.classIndex(1)),
                "window 100", "64×64", "window(n) with n < 64"));
    }

    @ParameterizedTest
    @MethodSource(ENGINES)
    void anOcclusionStrideLargerThanTheWindowIsRefusedWithTheUncoveredPixels(String engine) {
        withModel(engine, (m, net, model) -> {
            // window 2 every 8 pixels: 18 of 64 rows and columns are covered, 1 − (18/64)² = 92.1 % of pixels never
            expect(IllegalArgumentException.class,
                    () -> Occlusion.create().window(2).stride(8).explain(model, image(6), Target.classIndex(1)),
                    "stride 8", "window 2", "92.1 %", "rows and columns 2–7", "stride(2)");
            // stride equal to the window tiles the image exactly and is accepted
            assertFiniteAndNotZero(Occlusion.create().window(16).stride(16).explain(model, image(6),
                    Target.classIndex(1)));
        });
    }

    @ParameterizedTest
    @MethodSource(ENGINES)
    void aRiseGridFinerThanTheImageIsRefused(String engine) {
        withModel(engine, (m, net, model) -> {
            expect(IllegalArgumentException.class,
                    () -> Rise.create().cells(200).masks(4).explain(model, image(7), Target.classIndex(1)),
                    "200×200 cells", "64×64", "cells(n) with n ≤ 64");
            assertFiniteAndNotZero(Rise.create().cells(64).masks(4).explain(model, image(7), Target.classIndex(1)));
        });
    }

    // ------------------------------------------------------------------ 4. pixels that were never normalised

    @ParameterizedTest
    @MethodSource(ENGINES)
    void anUnnormalisedTensorIsRefusedWithItsLargestValue(String engine) {
        withModel(engine, (m, net, model) -> {
            Random r = new Random(8);
            float[] bytes = new float[(int) ONE.size()];
            float max = 0;
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = r.nextInt(256);
                max = Math.max(max, bytes[i]);
            }
            NDArray raw = m.create(bytes, ONE);
            float found = max;
            expect(IllegalArgumentException.class,
                    () -> Saliency.create().explainTensor(model, raw, Target.classIndex(0)),
                    String.valueOf(found), "divide by 255", "pass images",
                    "InputSpec.normalized(mean 0, std 1/255)");
            // the same tensor for a model described as taking 0–255 is explained
            ExplainableModel bytesModel = model.withSpec(InputSpec.rgb(S, S).normalized(new float[3],
                    new float[] {1 / 255f, 1 / 255f, 1 / 255f}));
            assertFiniteAndNotZero(Saliency.create().explainTensor(bytesModel, raw, Target.classIndex(0)).get(0));
            // noisy and slightly out-of-range normalised inputs pass: pixels in [0, 1] plus noise of σ 0.5
            float[] noisy = new float[bytes.length];
            for (int i = 0; i < noisy.length; i++) {
                noisy[i] = bytes[i] / 255f + (float) (0.5 * r.nextGaussian());
            }
            assertFiniteAndNotZero(Saliency.create().explainTensor(model, m.create(noisy, ONE),
                    Target.classIndex(0)).get(0));
            // ImageNet normalisation: a 0–255 tensor normalised without dividing by 255 is refused too
            ExplainableModel imagenet = model.withSpec(InputSpec.rgb(S, S).normalized(
                    new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}));
            NDArray unscaled = raw.sub(0.485f).div(0.229f);
            expect(IllegalArgumentException.class,
                    () -> Saliency.create().explainTensor(imagenet, unscaled, Target.classIndex(0)),
                    "divide by 255");
        });
    }

    // ------------------------------------------------------------------ 5. a target whose score is NaN

    static List<AttributionMethod> methods() {
        return List.of(Saliency.create(), GradCam.create(), IntegratedGradients.create().steps(4),
                ScoreCam.create().batchSize(8), Occlusion.create().window(16).stride(16), Rise.create().masks(4));
    }

    @ParameterizedTest
    @MethodSource(ENGINES)
    void aCustomTargetWhoseScoreIsNanIsRefused(String engine) {
        CustomTarget zeroOverZero = CustomTarget.of(out -> out.sub(out).div(out.sub(out)).sum(new int[] {1}),
                "zero over zero");
        withModel(engine, (m, net, model) -> {
            for (AttributionMethod method : methods()) {
                expect(IllegalArgumentException.class, () -> method.explain(model, image(9), zeroOverZero),
                        "'zero over zero'", "score was NaN", "finite");
            }
            CustomTarget logs = CustomTarget.of(out -> out.log().sub(out.log()).sum(new int[] {1}), "log − log");
            NDArray x = TestNets.randomInput(m, new Shape(2, 3, S, S), DataType.FLOAT32, 10);
            expect(IllegalArgumentException.class, () -> Saliency.create().explainTensor(model, x, logs),
                    "'log − log'", "score was NaN");
        });
    }

    // ------------------------------------------------------------------ 6. nulls

    @ParameterizedTest
    @MethodSource(ENGINES)
    void nullImagesTargetsAndModelsAreNamed(String engine) {
        withModel(engine, (m, net, model) -> {
            Saliency s = Saliency.create();
            expect(NullPointerException.class, () -> s.explain(model, (BufferedImage) null, Target.topPrediction()),
                    "image 0 was null", "Images.read");
            expect(NullPointerException.class, () -> s.explain(model, Arrays.asList(image(11), null),
                    Target.topPrediction()), "image 1 was null");
            expect(NullPointerException.class, () -> s.explain(model, (Image) null, Target.topPrediction()),
                    "image was null");
            expect(NullPointerException.class, () -> s.explain(model, (List<BufferedImage>) null,
                    Target.topPrediction()), "images was null");
            expect(NullPointerException.class, () -> s.explainTensor(model, null, Target.topPrediction()),
                    "input was null");
            expect(IllegalArgumentException.class, () -> s.explain(model, image(11), null),
                    "target was null", "Target.topPrediction()");
            expect(NullPointerException.class, () -> s.explain(null, image(11), Target.topPrediction()),
                    "model was null", "ExplainableModel.of");
            expect(NullPointerException.class, () -> s.explainTensor(null, m.zeros(ONE), Target.topPrediction()),
                    "model was null", "ExplainableModel.of");
            expect(NullPointerException.class, () -> Explainer.explain(model, image(11), null, Target.topPrediction()),
                    "method was null");
            expect(NullPointerException.class, () -> ExplainableModel.of(net, m, null),
                    "spec was null", "InputSpec.rgb");
        });
    }

    // ------------------------------------------------------------------ 7. an empty batch

    @ParameterizedTest
    @MethodSource(ENGINES)
    void anEmptyBatchIsRefused(String engine) {
        withModel(engine, (m, net, model) -> {
            expect(IllegalArgumentException.class, () -> Saliency.create().explain(model, List.of(),
                    Target.topPrediction()), "no images", "at least one");
            NDArray empty = m.zeros(new Shape(0, 3, S, S));
            assertEquals(0, empty.getShape().get(0));
            expect(IllegalArgumentException.class, () -> GradCam.create().explainTensor(model, empty,
                    Target.topPrediction()), "no images", "(0, 3, 64, 64)", "at least one");
        });
    }

    // ------------------------------------------------------------------ 8. channels last

    @ParameterizedTest
    @MethodSource(ENGINES)
    void aChannelsLastTensorIsRefusedWithTheTranspose(String engine) {
        withModel(engine, (m, net, model) -> {
            NDArray hwc = TestNets.randomInput(m, new Shape(2, S, S, 3), DataType.FLOAT32, 12);
            expect(IllegalArgumentException.class, () -> Saliency.create().explainTensor(model, hwc,
                    Target.topPrediction()), "(2, 64, 64, 3)", "transpose to (N, C, H, W)", "transpose(0, 3, 1, 2)");
            // the transposed tensor is accepted
            assertEquals(2, Saliency.create().explainTensor(model, hwc.transpose(0, 3, 1, 2),
                    Target.topPrediction()).size());
        });
    }
}
