package io.github.explain4j.djl.adversarial;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A two-class linear model {@code z = W·(x − mean)/std + b} on 3×4×4 pixel images with a normalising input spec,
 * and its closed forms computed on the heap from the weights: the margin {@code m = z_y − z_o} of an image and the
 * pixel-space weight difference {@code d = (W_y − W_o)/std}, whose L1 (L∞ attacks) or L2 (L2 attacks) norm gives the
 * smallest budget that flips the label, {@code m / ‖d‖}.
 */
final class LinearModel {

    static final float[] MEAN = {0.4f, 0.5f, 0.6f};
    static final float[] STD = {0.2f, 0.25f, 0.5f};
    static final int PER = 3 * 4 * 4;

    final ExplainableModel model;
    final double[][] w;
    final double[] b;

    LinearModel(NDManager manager, long seed) {
        SequentialBlock net = TestNets.init(TestNets.linear(2), manager, DataType.FLOAT64, new Shape(1, 3, 4, 4),
                seed);
        model = ExplainableModel.of(net, manager, InputSpec.rgb(4, 4).normalized(MEAN, STD));
        var linear = net.getChildren().get(1).getValue().getParameters();
        double[] flat = linear.get(0).getValue().getArray().toDoubleArray();
        w = new double[][] {java.util.Arrays.copyOfRange(flat, 0, PER), java.util.Arrays.copyOfRange(flat, PER,
                2 * PER)};
        b = linear.get(1).getValue().getArray().toDoubleArray();
    }

    /** The logits of a pixel image, on the heap in double precision. */
    double[] logits(float[] x) {
        double[] z = b.clone();
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < PER; i++) {
                z[k] += w[k][i] * (x[i] - MEAN[i / 16]) / STD[i / 16];
            }
        }
        return z;
    }

    /** The class the model gives. */
    int predicted(float[] x) {
        double[] z = logits(x);
        return z[1] > z[0] ? 1 : 0;
    }

    /** {@code d = (W_y − W_o)/std} in pixel space, for label {@code y}. */
    double[] difference(int y) {
        double[] d = new double[PER];
        for (int i = 0; i < PER; i++) {
            d[i] = (w[y][i] - w[1 - y][i]) / STD[i / 16];
        }
        return d;
    }

    /** The margin of {@code x} for label {@code y}: {@code z_y − z_o}. */
    double margin(float[] x, int y) {
        double[] z = logits(x);
        return z[y] - z[1 - y];
    }

    /** The smallest L∞ budget that flips the predicted class: {@code m / ‖d‖₁}. */
    double linfFlip(float[] x) {
        int y = predicted(x);
        double l1 = 0;
        for (double v : difference(y)) {
            l1 += Math.abs(v);
        }
        return margin(x, y) / l1;
    }

    /** The smallest L2 budget that flips the predicted class: {@code m / ‖d‖₂}. */
    double l2Flip(float[] x) {
        int y = predicted(x);
        double l2 = 0;
        for (double v : difference(y)) {
            l2 += v * v;
        }
        return margin(x, y) / Math.sqrt(l2);
    }

    /** Seeded pixel images with values in [0.35, 0.65], so that budgets below 0.35 never meet the pixel range. */
    static List<float[]> images(int n, long seed) {
        Random random = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[PER];
            for (int j = 0; j < PER; j++) {
                x[j] = 0.35f + 0.3f * random.nextFloat();
            }
            out.add(x);
        }
        return out;
    }
}
