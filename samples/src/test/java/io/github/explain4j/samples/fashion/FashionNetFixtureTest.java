package io.github.explain4j.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed Fashion-MNIST parameters load on both engines, classify the first 2,000 test images with at least
 * 88 % accuracy, and give the same logits on PyTorch and MXNet.
 *
 * <p>The test images are the copy committed under {@code data/fashion-mnist/}, found by
 * {@link FashionMnist#locate(FashionMnist.Split)} (another directory can be given with
 * {@code -Dfashion.mnist.dir=DIR}; the Debian package's directory is the last resort); their absence fails the test.
 */
class FashionNetFixtureTest {

    private static final int IMAGES = 2000;
    private static final int BATCH = 500;
    private static final double MIN_ACCURACY = 0.88;
    private static final float LOGIT_TOLERANCE = 1e-3f;

    private static Path modelDir;

    @BeforeAll
    static void findModel() {
        modelDir = committedModelDir();
    }

    /** The first {@value #IMAGES} test images; fails, naming where it looked and the fix, if they are absent. */
    private static FashionMnist testImages() throws Exception {
        Path dir;
        try {
            dir = FashionMnist.locate(FashionMnist.Split.TEST);
        } catch (IOException e) {
            return fail(e.getMessage());
        }
        return FashionMnist.load(dir, FashionMnist.Split.TEST, IMAGES);
    }

    /** {@code models/fashion-mnist} at the repository root, found from the working directory up. */
    private static Path committedModelDir() {
        String file = FashionNet.MODEL_NAME + "-0000.params";
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("models").resolve(FashionNet.MODEL_NAME);
            if (Files.isRegularFile(candidate.resolve(file))) {
                return candidate;
            }
        }
        throw new AssertionError("models/" + FashionNet.MODEL_NAME + "/" + file + " not found above "
                + Paths.get("").toAbsolutePath());
    }

    @Test
    void committedParametersClassifyTheTestImagesAlikeOnBothEngines() throws Exception {
        FashionMnist test = testImages();
        float[][] pytorch = logits("PyTorch", test);
        float[][] mxnet = logits("MXNet", test);

        double ptAccuracy = accuracy(pytorch, test);
        double mxAccuracy = accuracy(mxnet, test);
        assertTrue(ptAccuracy >= MIN_ACCURACY, "PyTorch accuracy on the first " + IMAGES + " test images was "
                + ptAccuracy + "; expected at least " + MIN_ACCURACY);
        assertTrue(mxAccuracy >= MIN_ACCURACY, "MXNet accuracy on the first " + IMAGES + " test images was "
                + mxAccuracy + "; expected at least " + MIN_ACCURACY);

        float worst = 0;
        int worstImage = -1;
        for (int i = 0; i < IMAGES; i++) {
            for (int k = 0; k < FashionMnist.LABELS.length; k++) {
                float d = Math.abs(pytorch[i][k] - mxnet[i][k]);
                if (d > worst) {
                    worst = d;
                    worstImage = i;
                }
            }
        }
        System.out.printf(Locale.ROOT, "accuracy on the first %d test images: PyTorch %.4f, MXNet %.4f;"
                + " largest logit difference %.2e (image %d)%n", IMAGES, ptAccuracy, mxAccuracy, worst, worstImage);
        assertTrue(worst <= LOGIT_TOLERANCE, "PyTorch and MXNet logits differ by " + worst + " on test image "
                + worstImage + "; expected at most " + LOGIT_TOLERANCE);
    }

    @Test
    void batchNormAndDropoutAreDirectChildrenOfTheSequentialBlock() {
        SequentialBlock net = FashionNet.build();
        List<String> kinds = new ArrayList<>();
        for (Pair<String, Block> child : net.getChildren()) {
            Block b = child.getValue();
            kinds.add(b instanceof BatchNorm ? "BN" : b instanceof Dropout ? "Dropout"
                    : child.getKey().substring(2));
            assertTrue(b.getChildren().isEmpty(), child.getKey() + " hides child blocks");
        }
        assertEquals(List.of("LambdaBlock", "Conv2d", "BN", "LambdaBlock", "LambdaBlock", "Conv2d", "BN",
                "LambdaBlock", "LambdaBlock", "Conv2d", "BN", "LambdaBlock", "Dropout", "LambdaBlock", "Linear"),
                kinds);
    }

    @Test
    void synsetListsTheTenLabelsInOutputOrder() throws Exception {
        List<String> lines = Files.readAllLines(modelDir.resolve("synset.txt"), StandardCharsets.UTF_8);
        assertArrayEquals(FashionMnist.LABELS, lines.toArray(new String[0]));
    }

    /** Logits of the first {@value #IMAGES} test images, computed in inference mode on one engine. */
    private static float[][] logits(String engine, FashionMnist test) throws Exception {
        float[][] out = new float[IMAGES][];
        int[] order = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            order[i] = i;
        }
        float[] x = new float[BATCH * (int) FashionNet.IMAGE_SHAPE.size()];
        try (Model model = Model.newInstance(FashionNet.MODEL_NAME, engine)) {
            model.setBlock(FashionNet.build());
            model.load(modelDir, FashionNet.MODEL_NAME);
            ParameterStore parameters = new ParameterStore(model.getNDManager(), false);
            for (int from = 0; from < IMAGES; from += BATCH) {
                int n = Math.min(BATCH, IMAGES - from);
                test.copyScaled(order, from, n, x);
                try (NDManager scope = model.getNDManager().newSubManager()) {
                    NDArray images = scope.create(FloatBuffer.wrap(x, 0, n * (int) FashionNet.IMAGE_SHAPE.size()),
                            new Shape(n).addAll(FashionNet.IMAGE_SHAPE));
                    NDArray logits = model.getBlock().forward(parameters, new NDList(images), false)
                            .singletonOrThrow();
                    assertEquals(new Shape(n, FashionMnist.LABELS.length), logits.getShape(), engine);
                    float[] flat = logits.toFloatArray();
                    int classes = FashionMnist.LABELS.length;
                    for (int i = 0; i < n; i++) {
                        out[from + i] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
                    }
                }
            }
        }
        return out;
    }

    private static double accuracy(float[][] logits, FashionMnist test) {
        int correct = 0;
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int k = 1; k < logits[i].length; k++) {
                if (logits[i][k] > logits[i][best]) {
                    best = k;
                }
            }
            if (best == test.label(i)) {
                correct++;
            }
        }
        return (double) correct / logits.length;
    }
}
