package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.ResolvedTarget;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Eigen-CAM: the projection of a layer's activations on their first principal component, without gradients or a
 * class: it shows what the layer's dominant features respond to. With {@code X} the activations as a
 * {@code positions × K} matrix, centred per channel, and {@code v₁} its first right singular vector (EJML's SVD),
 * the map is {@code X v₁}. A singular vector has no sign of its own; the map's sign is chosen so that it agrees
 * with the summed activations, {@code Σ_ij L_ij · Σ_k A^k_ij ≥ 0}, so that the ReLU keeps the strongly activated
 * side. The target only names the class recorded in provenance.
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

    /** {@code X v₁}, signed to agree with {@code Σ_k A^k}; an {@code h×w} map. */
    static float[] principalProjection(FeatureMaps a) {
        int k = a.channels();
        int positions = a.positions();
        double[] mean = a.spatialMean();
        DMatrixRMaj x = new DMatrixRMaj(positions, k);
        for (int c = 0; c < k; c++) {
            for (int p = 0; p < positions; p++) {
                x.unsafe_set(p, c, a.get(c, p) - mean[c]);
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(positions, k, false, true,
                true);
        if (!svd.decompose(svd.inputModified() ? x.copy() : x)) {
            throw new IllegalStateException("Eigen-CAM: the SVD of the " + a + " activations did not converge;"
                    + " are they finite?");
        }
        double[] singular = svd.getSingularValues();
        int top = 0;
        for (int i = 1; i < svd.numberOfSingularValues(); i++) {
            if (singular[i] > singular[top]) {
                top = i;
            }
        }
        DMatrixRMaj v = svd.getV(null, false);
        float[] sum = a.channelSum();
        float[] map = new float[positions];
        double agreement = 0;
        for (int p = 0; p < positions; p++) {
            double projection = 0;
            for (int c = 0; c < k; c++) {
                projection += x.unsafe_get(p, c) * v.unsafe_get(c, top);
            }
            map[p] = (float) projection;
            agreement += projection * sum[p];
        }
        if (agreement < 0) {
            for (int p = 0; p < positions; p++) {
                map[p] = -map[p];
            }
        }
        return map;
    }
}
