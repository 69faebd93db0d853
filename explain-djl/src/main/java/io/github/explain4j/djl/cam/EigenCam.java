package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.ResolvedTarget;

/**
 * Eigen-CAM: the projection of a layer's activations on their first principal component (over positions), without
 * gradients or a class: it shows what the layer's dominant features respond to. The component's sign is chosen so
 * that the map agrees with the summed activations. The target only names the class recorded in provenance.
 *
 * <p>M. B. Muhammad, M. Yeasin, "Eigen-CAM: Class Activation Map using Principal Components", IJCNN 2020,
 * arXiv:2008.00299.
 */
public final class EigenCam extends CamMethod<EigenCam> {

    private EigenCam(Settings settings) {
        super(settings, EigenCam::new);
    }

    /** At the last spatial layer. */
    public static EigenCam create() {
        return new EigenCam(defaults());
    }

    /** At one or more layers. */
    public static EigenCam at(String... layers) {
        return new EigenCam(layers(layers));
    }

    @Override
    public String name() {
        return "Eigen-CAM";
    }

    @Override
    protected LayerMaps layerMaps(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target,
            String layer) {
        ResolvedTarget fixed = target.isCustom() ? target : target.fixed(model, scope, input);
        FeatureMaps[] a = featureMaps(layer, model.seam().activation(scope, input, layer));
        float[][] maps = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            maps[i] = principalProjection(a[i]);
        }
        return new LayerMaps(maps, a[0].height(), a[0].width(), fixed.classesOrNone(a.length));
    }

    /** The projection on the first principal component, signed to agree with {@code Σ_k A^k}; {@code h×w}. */
    static float[] principalProjection(FeatureMaps maps) {
        float[] a = maps.values();
        int k = maps.channels();
        int plane = maps.positions();
        // activations as plane × k, centred per channel; the first right singular vector is the top eigenvector of
        // the k × k covariance, found by power iteration
        double[] mean = new double[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < plane; j++) {
                mean[c] += a[c * plane + j];
            }
            mean[c] /= plane;
        }
        double[][] cov = new double[k][k];
        for (int j = 0; j < plane; j++) {
            for (int c = 0; c < k; c++) {
                double xc = a[c * plane + j] - mean[c];
                if (xc == 0) {
                    continue;
                }
                for (int d = c; d < k; d++) {
                    cov[c][d] += xc * (a[d * plane + j] - mean[d]);
                }
            }
        }
        for (int c = 0; c < k; c++) {
            for (int d = 0; d < c; d++) {
                cov[c][d] = cov[d][c];
            }
        }
        double[] v = new double[k];
        java.util.Arrays.fill(v, 1.0 / Math.sqrt(k));
        for (int it = 0; it < 200; it++) {
            double[] next = new double[k];
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int d = 0; d < k; d++) {
                    s += cov[c][d] * v[d];
                }
                next[c] = s;
            }
            double norm = 0;
            for (double x : next) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                break;
            }
            double change = 0;
            for (int c = 0; c < k; c++) {
                next[c] /= norm;
                change += Math.abs(next[c] - v[c]);
            }
            v = next;
            if (change < 1e-10) {
                break;
            }
        }
        float[] map = new float[plane];
        double agreement = 0;
        for (int j = 0; j < plane; j++) {
            double p = 0;
            double sum = 0;
            for (int c = 0; c < k; c++) {
                p += (a[c * plane + j] - mean[c]) * v[c];
                sum += a[c * plane + j];
            }
            map[j] = (float) p;
            agreement += p * sum;
        }
        if (agreement < 0) {
            for (int j = 0; j < plane; j++) {
                map[j] = -map[j];
            }
        }
        return map;
    }
}
