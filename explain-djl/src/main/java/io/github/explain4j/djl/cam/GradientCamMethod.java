package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.seam.GradientResult;
import java.util.function.Function;

/**
 * The template of the gradient-based class-activation maps. One forward and one backward pass give, for each input,
 * the layer's activations {@code A} and the target score's gradient {@code G = ∂y/∂A}, both {@link FeatureMaps}
 * ({@code K×h×w}); a variant is then its formula, written by overriding one of two methods (pytorch-grad-cam's
 * {@code get_cam_weights} and {@code get_cam_image}):
 *
 * <ul>
 *   <li>{@link #weights(FeatureMaps, FeatureMaps) weights(A, G)}: per-channel weights {@code w_k}; the map is
 *       {@code Σ_k w_k A^k}. Grad-CAM: {@code return g.spatialMean();}
 *   <li>{@link #image(FeatureMaps, FeatureMaps) image(A, G)}: the whole {@code h×w} map, for variants that do not
 *       weight channels. HiResCAM: {@code return a.times(g).channelSum();}
 * </ul>
 *
 * <p>{@link CamMethod} then applies the ReLU, upsamples and averages layers.
 *
 * @param <S> the concrete variant
 */
public abstract class GradientCamMethod<S extends GradientCamMethod<S>> extends CamMethod<S> {

    /** A variant with these settings; {@code copy} is its constructor. */
    protected GradientCamMethod(Settings settings, Function<Settings, S> copy) {
        super(settings, copy);
    }

    /**
     * The channel weights {@code w_k} of one input; the map is {@code Σ_k w_k A^k}. Override this or
     * {@link #image}.
     *
     * @param a the activations, {@code K×h×w}
     * @param g the gradient of the target score w.r.t. them, same shape
     * @return {@code K} weights
     */
    protected double[] weights(FeatureMaps a, FeatureMaps g) {
        throw new UnsupportedOperationException(getClass().getName() + " overrides neither weights(A, G) nor"
                + " image(A, G); a gradient CAM variant overrides one of them");
    }

    /**
     * The map of one input, {@code h×w}, before ReLU and upsampling; by default {@code Σ_k w_k A^k} with the
     * {@link #weights} of the variant.
     *
     * @param a the activations, {@code K×h×w}
     * @param g the gradient of the target score w.r.t. them, same shape
     */
    protected float[] image(FeatureMaps a, FeatureMaps g) {
        return a.channelSum(weights(a, g));
    }

    @Override
    protected final LayerMaps layerMaps(ExplainableModel model, NDManager scope, NDArray input,
            ResolvedTarget target, String layer) {
        GradientResult r = gradients(model, scope, input, layer, target.scoreFunction());
        FeatureMaps[] a = featureMaps(layer, r.activation());
        FeatureMaps[] g = featureMaps(layer, r.activationGradient());
        float[][] maps = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            maps[i] = image(a[i], g[i]);
        }
        return new LayerMaps(maps, a[0].height(), a[0].width(), classesOf(target, r.output()));
    }
}
