package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.ResolvedTarget;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.render.Heatmaps;

/**
 * Score-CAM: gradient-free channel weights from forward passes. Each channel's activation map, upsampled and
 * scaled to [0, 1], masks the input; the target score of each masked input, softmax-normalised over the channels,
 * weights the channel: {@code L = ReLU(Σ_k softmax_k(y_c(x ⊙ M_k)) A^k)}. The masked inputs go through the model in
 * batches ({@link #batchSize}); the cost is one forward pass per channel and input.
 *
 * <p>H. Wang, Z. Wang, M. Du, F. Yang, Z. Zhang, S. Ding, P. Mardziel, X. Hu, "Score-CAM: Score-Weighted Visual
 * Explanations for Convolutional Neural Networks", CVPR workshops 2020, arXiv:1910.01279.
 */
public final class ScoreCam extends CamMethod<ScoreCam> {

    private ScoreCam(Settings settings) {
        super(settings);
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
    protected ScoreCam with(Settings s) {
        return new ScoreCam(s);
    }

    @Override
    public String name() {
        return "Score-CAM";
    }

    @Override
    protected float[] cam(float[] a, float[] g, int k, int h, int w) {
        throw new IllegalStateException("Score-CAM computes its maps from forward passes");
    }

    @Override
    protected LayerMaps layerMaps(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target,
            String layer) {
        ResolvedTarget fixed = target.fixed(model, scope, input);
        NDArray act = model.seam().activation(scope, input, layer);
        long[] s = featureShape(layer, act);
        int k = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        int plane = h * w;
        float[][] acts = rows(act);
        float[][] x = rows(input);
        int channels = (int) input.getShape().get(1);
        int outH = (int) input.getShape().get(2);
        int outW = (int) input.getShape().get(3);
        int outPlane = outH * outW;
        int batch = settings().batchSize();
        float[][] maps = new float[acts.length][];
        long done = 0;
        long total = (long) acts.length * k;
        for (int i = 0; i < acts.length; i++) {
            double[] scores = new double[k];
            ResolvedTarget one = fixed.slice(i, i + 1);
            for (int start = 0; start < k; start += batch) {
                int b = Math.min(batch, k - start);
                float[] masked = new float[b * channels * outPlane];
                for (int m = 0; m < b; m++) {
                    float[] up = Heatmaps.resize(java.util.Arrays.copyOfRange(acts[i], (start + m) * plane,
                            (start + m + 1) * plane), h, w, outH, outW);
                    float min = Float.POSITIVE_INFINITY;
                    float max = Float.NEGATIVE_INFINITY;
                    for (float v : up) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    float range = max - min;
                    for (int c = 0; c < channels; c++) {
                        for (int j = 0; j < outPlane; j++) {
                            float mask = range > 0 ? (up[j] - min) / range : 0f;
                            masked[(m * channels + c) * outPlane + j] = x[i][c * outPlane + j] * mask;
                        }
                    }
                }
                try (NDManager chunk = scope.newSubManager()) {
                    NDArray in = HeapArrays.create(chunk, masked, new Shape(b, channels, outH, outW))
                            .toType(input.getDataType(), false);
                    NDArray out = model.seam().forward(chunk, in);
                    float[] y = one.repeatEach(b).scoreFunction().scores(out).toType(DataType.FLOAT32, false)
                            .toFloatArray();
                    for (int m = 0; m < b; m++) {
                        scores[start + m] = y[m];
                    }
                }
                done += b;
                model.progress().progress(name(), done, total);
            }
            maps[i] = weightedSum(acts[i], softmax(scores), k, plane);
        }
        return new LayerMaps(maps, h, w, fixed.classesOrNone(acts.length));
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
