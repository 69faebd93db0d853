package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.ResolvedTarget;
import io.github.explain4j.djl.internal.HeapArrays;

/**
 * Ablation-CAM: gradient-free channel weights from how much the target score drops when a channel of the layer
 * is zeroed, {@code w_k = (y_c − y_c^{(k)}) / y_c}, {@code L = ReLU(Σ_k w_k A^k)}. The ablated passes go through
 * the model in batches ({@link #batchSize}), one per channel and input.
 *
 * <p>H. G. Ramaswamy, S. Desai, "Ablation-CAM: Visual Explanations for Deep Convolutional Network via
 * Gradient-free Localization", WACV 2020.
 */
public final class AblationCam extends CamMethod<AblationCam> {

    private AblationCam(Settings settings) {
        super(settings);
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
    protected AblationCam with(Settings s) {
        return new AblationCam(s);
    }

    @Override
    public String name() {
        return "Ablation-CAM";
    }

    @Override
    protected float[] cam(float[] a, float[] g, int k, int h, int w) {
        throw new IllegalStateException("Ablation-CAM computes its maps from forward passes");
    }

    @Override
    protected LayerMaps layerMaps(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target,
            String layer) {
        ResolvedTarget fixed = target.fixed(model, scope, input);
        NDArray act = model.seam().activation(scope, input, layer);
        long[] s = featureShape(layer, act);
        int k = (int) s[1];
        int plane = (int) (s[2] * s[3]);
        float[][] acts = rows(act);
        float[] y = fixed.scoreFunction().scores(model.seam().forward(scope, input))
                .toType(DataType.FLOAT32, false).toFloatArray();
        int batch = settings().batchSize();
        float[][] maps = new float[acts.length][];
        long done = 0;
        long total = (long) acts.length * k;
        for (int i = 0; i < acts.length; i++) {
            double[] weights = new double[k];
            ResolvedTarget one = fixed.slice(i, i + 1);
            NDArray xi = input.get(new NDIndex(i + ":" + (i + 1)));
            for (int start = 0; start < k; start += batch) {
                int b = Math.min(batch, k - start);
                float[] keep = new float[b * k];
                java.util.Arrays.fill(keep, 1f);
                for (int m = 0; m < b; m++) {
                    keep[m * k + start + m] = 0f;
                }
                try (NDManager chunk = scope.newSubManager()) {
                    NDArray copies = xi.repeat(0, b);
                    copies.attach(chunk);
                    NDArray out = model.seam().forwardEdited(chunk, copies, layer, a -> a.mul(
                            HeapArrays.create(a.getManager(), keep, new Shape(b, k, 1, 1))
                                    .toType(a.getDataType(), false)));
                    float[] ablated = one.repeatEach(b).scoreFunction().scores(out).toType(DataType.FLOAT32, false)
                            .toFloatArray();
                    for (int m = 0; m < b; m++) {
                        weights[start + m] = (y[i] - ablated[m]) / (y[i] == 0 ? 1e-7 : y[i]);
                    }
                }
                done += b;
                model.progress().progress(name(), done, total);
            }
            maps[i] = weightedSum(acts[i], weights, k, plane);
        }
        return new LayerMaps(maps, (int) s[2], (int) s[3], fixed.classesOrNone(acts.length));
    }
}
