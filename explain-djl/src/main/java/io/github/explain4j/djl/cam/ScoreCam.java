package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.Resampling;
import io.github.explain4j.djl.internal.HeapArrays;

/**
 * Score-CAM: gradient-free channel weights from forward passes. Each channel's activation map, upsampled and
 * scaled to [0, 1], masks the input; the target score of each masked input, softmax-normalised over the channels,
 * weights the channel: {@code L = ReLU(Σ_k softmax_k(y_c(x ⊙ M_k)) A^k)}. The masked inputs go through the model in
 * batches ({@link #batchSize}); the cost is one forward pass per channel and input.
 *
 * <p>H. Wang, Z. Wang, M. Du, F. Yang, Z. Zhang, S. Ding, P. Mardziel, X. Hu, "Score-CAM: Score-Weighted Visual
 * Explanations for Convolutional Neural Networks", CVPR workshops 2020, arXiv:1910.01279.
 */
public final class ScoreCam extends PerturbationCamMethod<ScoreCam> {

    private ScoreCam(Settings settings) {
        super(settings, ScoreCam::new);
    }

    /** At the last spatial layer. */
    public static ScoreCam create() {
        return new ScoreCam(defaults());
    }

    /** At one or more layers. */
    public static ScoreCam at(String... layers) {
        return new ScoreCam(layers(layers));
    }

    @Override
    public String name() {
        return "Score-CAM";
    }

    /** {@code w_k = softmax_k(y_c(x ⊙ M_k))}. */
    @Override
    protected double[] weights(Probe probe) {
        return softmax(probe.scores((chunk, first, count) ->
                probe.model().seam().forward(chunk, masked(probe, chunk, first, count))));
    }

    /** {@code x ⊙ M_k} for {@code k = first … first + count − 1}, {@code (count, C, H, W)} in {@code chunk}. */
    private static NDArray masked(Probe probe, NDManager chunk, int first, int count) {
        NDArray x = probe.input();
        int outH = (int) x.getShape().get(2);
        int outW = (int) x.getShape().get(3);
        FeatureMaps a = probe.maps();
        float[] masks = new float[count * outH * outW];
        for (int m = 0; m < count; m++) {
            float[] mask = unitRange(Resampling.bilinear(a.channel(first + m), a.height(), a.width(), outH,
                    outW));
            System.arraycopy(mask, 0, masks, m * mask.length, mask.length);
        }
        return HeapArrays.create(chunk, masks, new Shape(count, 1, outH, outW)).toType(x.getDataType(), false)
                .mul(x);
    }

    /** {@code M = (A − min A) / (max A − min A)}, all zero for a constant map. */
    private static float[] unitRange(float[] up) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : up) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max - min;
        float[] out = new float[up.length];
        for (int j = 0; j < up.length; j++) {
            out[j] = range > 0 ? (up[j] - min) / range : 0f;
        }
        return out;
    }

    static double[] softmax(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double sum = 0;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.exp(v[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < v.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
