package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.internal.HeapArrays;
import java.util.Arrays;

/**
 * Ablation-CAM: gradient-free channel weights from how much the target score drops when a channel of the layer
 * is zeroed, {@code w_k = (y_c − y_c^{(k)}) / y_c}, {@code L = ReLU(Σ_k w_k A^k)}. The ablated passes go through
 * the model in batches ({@link #batchSize}), one per channel and input.
 *
 * <p>H. G. Ramaswamy, S. Desai, "Ablation-CAM: Visual Explanations for Deep Convolutional Network via
 * Gradient-free Localization", WACV 2020.
 */
public final class AblationCam extends PerturbationCamMethod<AblationCam> {

    private AblationCam(Settings settings) {
        super(settings, AblationCam::new);
    }

    /** At the last spatial layer. */
    public static AblationCam create() {
        return new AblationCam(defaults());
    }

    /** At one or more layers. */
    public static AblationCam at(String... layers) {
        return new AblationCam(layers(layers));
    }

    @Override
    public String name() {
        return "Ablation-CAM";
    }

    /** {@code w_k = (y_c − y_c^{(k)}) / y_c}, {@code y_c^{(k)}} the score with channel {@code k} zeroed. */
    @Override
    protected double[] weights(Probe probe) {
        int k = probe.maps().channels();
        double[] ablated = probe.scores((chunk, first, count) -> {
            NDArray copies = probe.input().repeat(0, count);
            copies.attach(chunk);
            float[] keep = zeroOneChannel(count, k, first);
            return probe.model().seam().forwardEdited(chunk, copies, probe.layer(), a -> a.mul(
                    HeapArrays.create(a.getManager(), keep, new Shape(count, k, 1, 1)).toType(a.getDataType(), false)));
        });
        double y = probe.score();
        double[] w = new double[k];
        for (int c = 0; c < k; c++) {
            w[c] = (y - ablated[c]) / (y == 0 ? 1e-7 : y);
        }
        return w;
    }

    /** {@code count × k} ones with copy {@code m}'s channel {@code first + m} zero. */
    private static float[] zeroOneChannel(int count, int k, int first) {
        float[] keep = new float[count * k];
        Arrays.fill(keep, 1f);
        for (int m = 0; m < count; m++) {
            keep[m * k + first + m] = 0f;
        }
        return keep;
    }
}
