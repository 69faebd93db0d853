package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.LayerwiseBackward.Layer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The z^B rule, for the first layer, whose inputs are pixels bounded by {@code l_i ≤ x_i ≤ h_i}:
 * {@code R_i = Σ_j z_ij / Σ_i z_ij · R_j} with {@code z_ij = x_i w_ij − l_i w_ij⁺ − h_i w_ij⁻} (biases left out).
 * Within the bounds every {@code z_ij ≥ 0}; relevance goes to the pixels that are far from the bound that would
 * lower the neuron. Inputs outside the bounds may get relevance of either sign.
 *
 * <p>The bounds are per input channel, in the model's input units: {@link #fromSpec()} takes pixels 0..1 through
 * the spec's normalisation, {@code l = (0 − mean)/std}, {@code h = (1 − mean)/std}; {@link #of(float[], float[])}
 * takes them as given. The rule applies to a layer fed by the model's input through parameter-free layers only
 * (flatten, padding); assign it with {@link Lrp#first(PropagationRule)}. Montavon et al. recommend it for the first
 * layer of an image model, with LRP-γ below and LRP-ε above.
 *
 * <p>G. Montavon, S. Lapuschkin, A. Binder, W. Samek, K.-R. Müller, "Explaining Nonlinear Classification Decisions
 * with Deep Taylor Decomposition", Pattern Recognition 65, 2017; G. Montavon et al., "Layer-Wise Relevance
 * Propagation: An Overview", LNCS 11700, 2019.
 */
public final class ZBoxRule extends PropagationRule {

    /** Per-channel bounds in input units; null until taken from a model's spec. */
    private final float[] low;
    private final float[] high;
    private final boolean fromSpec;

    private ZBoxRule(float[] low, float[] high, boolean fromSpec) {
        this.low = low;
        this.high = high;
        this.fromSpec = fromSpec;
    }

    /** z^B with the bounds of pixels 0..1 after the model's normalisation ({@link InputSpec#normalize}). */
    public static ZBoxRule fromSpec() {
        return new ZBoxRule(null, null, true);
    }

    /** z^B with the same bounds {@code low < high} for every channel, in the model's input units. */
    public static ZBoxRule of(double low, double high) {
        check(0, low, high);
        return new ZBoxRule(new float[] {(float) low}, new float[] {(float) high}, false);
    }

    /**
     * z^B with per-channel bounds {@code low[c] < high[c]}, in the model's input units (after normalisation), one
     * value per input channel.
     */
    public static ZBoxRule of(float[] low, float[] high) {
        if (low == null || high == null || low.length == 0 || low.length != high.length) {
            throw new IllegalArgumentException("z^B bounds were " + Arrays.toString(low) + " and "
                    + Arrays.toString(high) + "; expected one low and one high value per input channel, e.g."
                    + " of(new float[] {-2.1f, -2.0f, -1.8f}, new float[] {2.2f, 2.4f, 2.6f})");
        }
        for (int c = 0; c < low.length; c++) {
            check(c, low[c], high[c]);
        }
        return new ZBoxRule(low.clone(), high.clone(), false);
    }

    private static void check(int channel, double low, double high) {
        if (!Double.isFinite(low) || !Double.isFinite(high) || !(low < high)) {
            throw new IllegalArgumentException("z^B bounds of channel " + channel + " were low " + low + " and high "
                    + high + "; expected finite values with low < high (the range of that channel's inputs, e.g."
                    + " of(0, 1) for unnormalised pixels, or ZBoxRule.fromSpec())");
        }
    }

    @Override
    public String name() {
        return "LRP-z^B";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rule", "z-box");
        p.put("low", fromSpec && low == null ? "from spec" : Arrays.toString(low));
        p.put("high", fromSpec && high == null ? "from spec" : Arrays.toString(high));
        return p;
    }

    @Override
    protected ZBoxRule forModel(ExplainableModel model) {
        InputSpec spec = model.spec();
        int channels = spec.channels();
        if (fromSpec) {
            float[] l = new float[channels];
            float[] h = new float[channels];
            for (int c = 0; c < channels; c++) {
                l[c] = spec.normalize(c, 0f);
                h[c] = spec.normalize(c, 1f);
            }
            return new ZBoxRule(l, h, true);
        }
        if (low.length == 1 && channels > 1) {
            float[] l = new float[channels];
            float[] h = new float[channels];
            Arrays.fill(l, low[0]);
            Arrays.fill(h, high[0]);
            return new ZBoxRule(l, h, false);
        }
        if (low.length != channels) {
            throw new IllegalArgumentException("z^B bounds have " + low.length + " values per bound but model '"
                    + model.name() + "' takes " + channels + " input channels; give one value per channel, or"
                    + " ZBoxRule.fromSpec() for the bounds of the model's normalised pixels");
        }
        return this;
    }

    @Override
    protected NDArray linear(Layer layer, NDArray relevance) {
        if (low == null) {
            throw new IllegalStateException("z^B was applied before its bounds were taken from the model's spec");
        }
        NDArray x = layer.input();
        NDArray l = layer.fromModelInput(perChannel(layer.modelInput(), low));
        NDArray h = layer.fromModelInput(perChannel(layer.modelInput(), high));
        NDArray z = layer.forward(x, WITHOUT_BIAS).sub(layer.forward(l, POSITIVE)).sub(layer.forward(h, NEGATIVE));
        NDArray s = relevance.div(stabilise(z, 0));
        // L = Σ (f(x) − f⁺(l) − f⁻(h))·s; R = x ⊙ ∂L/∂x + l ⊙ ∂L/∂l + h ⊙ ∂L/∂h
        NDArray[] g = layer.gradients(v -> layer.forward(v[0], WITHOUT_BIAS).sub(layer.forward(v[1], POSITIVE))
                .sub(layer.forward(v[2], NEGATIVE)).mul(s).sum(), x, l, h);
        return x.mul(g[0]).add(l.mul(g[1])).add(h.mul(g[2]));
    }

    /** An array shaped like {@code input} {@code (N, C, …)} holding {@code values[c]} in channel {@code c}. */
    private static NDArray perChannel(NDArray input, float[] values) {
        long[] shape = new long[input.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[1] = values.length;
        NDArray v = HeapArrays.create(input.getManager(), values.clone(), new Shape(shape))
                .toType(input.getDataType(), false);
        return input.zerosLike().add(v);
    }
}
