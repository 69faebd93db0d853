package io.github.explain4j.djl.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.Objective;
import java.util.Arrays;
import java.util.Set;

/**
 * Evaluates {@link Objective} descriptions on the values of a {@link io.github.explain4j.djl.seam.ModelSeam#trace
 * trace}, so that every optimisation-based method states its goal as an objective and the seam differentiates it.
 * The formulas are those documented on each factory of {@link Objective}.
 *
 * <pre>{@code
 * TraceRequest r = Objectives.request(TraceRequest.fromParameters(params, build), objective, () -> pixels);
 * Trace t = model.seam().trace(scope, r);   // t.parameterGradients(): the objective's gradient
 * }</pre>
 */
public final class Objectives {

    /** Added under the square root of total variation so that its gradient stays finite on flat images. */
    static final double TV_EPSILON = 1e-8;

    private Objectives() {}

    /**
     * {@code base} with the objective's layers captured and the objective as its scalar. A request whose
     * objective reads no model output stops after its last layer (when it reads a layer).
     *
     * @param image the image in pixel space that penalties measure (e.g. the parameterisation's output before the
     *     model's normalisation), read when the objective is evaluated inside the trace; may return {@code null}
     *     when the objective has no penalty
     */
    public static TraceRequest request(TraceRequest base, Objective objective,
            java.util.function.Supplier<NDArray> image) {
        return requestReading(base, objective, t -> image.get());
    }

    /**
     * {@link #request(TraceRequest, Objective, java.util.function.Supplier)} with the penalties' image read from the
     * traced values (e.g. {@code t -> t.parameters().get(0)}, an image handed to the trace as a parameter of its
     * own, so that the penalties' gradient comes back as that parameter's).
     */
    public static TraceRequest requestReading(TraceRequest base, Objective objective,
            java.util.function.Function<TraceRequest.Traced, NDArray> image) {
        Set<String> layers = objective.layers();
        TraceRequest r = base.capture(layers.toArray(String[]::new))
                .objective(t -> evaluate(objective, t, image.apply(t)));
        if (!objective.readsOutput() && !layers.isEmpty()) {
            r = r.stopAfterCaptures();
        }
        return r;
    }

    /** Whether {@code objective} has a penalty on the image in pixel space (an input norm, total variation, blur). */
    public static boolean readsImage(Objective objective) {
        if (objective instanceof Objective.Weighted w) {
            return readsImage(w.objective());
        }
        if (objective instanceof Objective.Sum s) {
            return s.terms().stream().anyMatch(Objectives::readsImage);
        }
        if (objective instanceof Objective.Product p) {
            return readsImage(p.left()) || readsImage(p.right());
        }
        return objective instanceof Objective.InputNorm || objective instanceof Objective.TotalVariation
                || objective instanceof Objective.Blur;
    }

    /**
     * The objective's value, a scalar, from traced values.
     *
     * @param image the image in pixel space ({@code N, C, H, W}) for penalties, or {@code null} when there are none
     */
    public static NDArray evaluate(Objective objective, TraceRequest.Traced traced, NDArray image) {
        if (objective instanceof Objective.Weighted w) {
            // a float: on PyTorch a 0-dim float32 array times a Java double comes out float64
            return evaluate(w.objective(), traced, image).mul((float) w.weight());
        }
        if (objective instanceof Objective.Sum s) {
            NDArray total = null;
            for (Objective term : s.terms()) {
                NDArray v = evaluate(term, traced, image);
                total = total == null ? v : total.add(v);
            }
            return total;
        }
        if (objective instanceof Objective.Product p) {
            return evaluate(p.left(), traced, image).mul(evaluate(p.right(), traced, image));
        }
        if (objective instanceof Objective.ClassLogit c) {
            return classColumn(traced.output(), c.index()).mean();
        }
        if (objective instanceof Objective.ClassProbability c) {
            return classColumn(traced.output().softmax(1), c.index()).mean();
        }
        if (objective instanceof Objective.Channel c) {
            return channel(traced.activation(c.layer()), c.layer(), c.channel()).mean();
        }
        if (objective instanceof Objective.Neuron n) {
            return neuron(traced.activation(n.layer()), n).mean();
        }
        if (objective instanceof Objective.LayerPower l) {
            return traced.activation(l.layer()).square().mean();
        }
        if (objective instanceof Objective.Direction d) {
            return direction(traced.activation(d.layer()), d);
        }
        if (objective instanceof Objective.Diversity d) {
            return diversity(traced.activation(d.layer()), d.layer());
        }
        if (objective instanceof Objective.Style st) {
            return style(traced.activation(st.layer()), st);
        }
        if (objective instanceof Objective.Content c) {
            return content(traced.activation(c.layer()), c);
        }
        if (image == null) {
            throw new IllegalArgumentException("the penalty " + objective.description() + " measures the image in"
                    + " pixel space, but none was given; pass the parameterisation's image to Objectives.request");
        }
        long batch = image.getShape().get(0);
        if (objective instanceof Objective.InputNorm n) {
            NDArray powered = n.alpha() == 1 ? image.abs() : image.abs().pow(n.alpha());
            NDArray perImage = powered.reshape(batch, -1).sum(new int[] {1});
            if (!n.powered()) {
                perImage = perImage.pow(1 / n.alpha());
            }
            return perImage.mean();
        }
        if (objective instanceof Objective.TotalVariation tv) {
            return totalVariation(image, tv.beta()).div(batch);
        }
        if (objective instanceof Objective.Blur) {
            return blurPenalty(image).div(batch);
        }
        throw new IllegalStateException("no evaluation for objective " + objective.description());
    }

    private static NDArray classColumn(NDArray output, int index) {
        long[] s = output.getShape().getShape();
        if (s.length != 2) {
            throw new IllegalArgumentException("a class objective needs an output (N, K); the model gives "
                    + Arrays.toString(s));
        }
        if (index >= s[1]) {
            throw new IllegalArgumentException("class index was " + index + "; the model has " + s[1] + " classes");
        }
        return output.get(new NDIndex(":, {}", index));
    }

    private static NDArray channel(NDArray a, String layer, int channel) {
        long[] s = a.getShape().getShape();
        if (s.length < 2) {
            throw new IllegalArgumentException("layer '" + layer + "' gives shape " + Arrays.toString(s)
                    + "; a channel objective needs (N, C, ...)");
        }
        if (channel >= s[1]) {
            throw new IllegalArgumentException("channel was " + channel + "; layer '" + layer + "' has " + s[1]
                    + " channels (shape " + Arrays.toString(s) + ")");
        }
        return a.get(new NDIndex(":, {}", channel));
    }

    private static NDArray neuron(NDArray a, Objective.Neuron n) {
        NDArray c = channel(a, n.layer(), n.channel());
        long[] s = a.getShape().getShape();
        if (s.length == 2) {
            if (!n.centre()) {
                throw new IllegalArgumentException("layer '" + n.layer() + "' gives shape " + Arrays.toString(s)
                        + ", which has no positions; use neuron(layer, channel) without a position");
            }
            return c;
        }
        if (s.length != 4) {
            throw new IllegalArgumentException("layer '" + n.layer() + "' gives shape " + Arrays.toString(s)
                    + "; a neuron objective needs (N, C, H, W) or (N, C)");
        }
        long y = n.centre() ? s[2] / 2 : n.y();
        long x = n.centre() ? s[3] / 2 : n.x();
        if (y >= s[2] || x >= s[3]) {
            throw new IllegalArgumentException("position (y=" + y + ", x=" + x + ") is outside layer '" + n.layer()
                    + "''s " + s[2] + "×" + s[3] + " feature map");
        }
        return c.get(new NDIndex(":, {}, {}", y, x));
    }

    private static NDArray direction(NDArray a, Objective.Direction d) {
        long[] s = a.getShape().getShape();
        float[] v = d.vector();
        if (s.length < 2 || s[1] != v.length) {
            throw new IllegalArgumentException("the direction has " + v.length + " values but layer '" + d.layer()
                    + "' gives shape " + Arrays.toString(s) + "; give one value per channel");
        }
        long[] vs = new long[s.length];
        Arrays.fill(vs, 1);
        vs[1] = v.length;
        NDArray vec = HeapArrays.create(a.getManager(), v, new Shape(vs)).toType(a.getDataType(), false);
        NDArray dot = a.mul(vec).sum(new int[] {1});
        if (!d.cosine()) {
            return dot.mean();
        }
        double vNorm = 0;
        for (float x : v) {
            vNorm += (double) x * x;
        }
        NDArray aNorm = a.square().sum(new int[] {1}).add(1e-12).sqrt();
        return dot.div(aNorm.mul(Math.sqrt(vNorm))).mean();
    }

    private static NDArray diversity(NDArray a, String layer) {
        long[] s = a.getShape().getShape();
        long n = s[0];
        if (n < 2) {
            throw new IllegalArgumentException("diversity needs a batch of two or more images; layer '" + layer
                    + "' has a batch of " + n + " (use Parameterization.batch(n))");
        }
        long channels = s.length > 1 ? s[1] : 1;
        NDArray flat = a.reshape(n, channels, -1);
        NDArray grams = flat.matMul(flat.transpose(0, 2, 1)).reshape(n, -1);
        NDArray unit = grams.div(grams.square().sum(new int[] {1}, true).add(1e-20).sqrt());
        NDArray similarity = unit.matMul(unit.transpose());
        // the diagonal is each Gram matrix with itself (1): leave it out of the mean
        NDArray offDiagonal = similarity.sum().sub(similarity.mul(a.getManager().eye((int) n)
                .toType(a.getDataType(), false)).sum());
        return offDiagonal.div(-(double) n * (n - 1));
    }

    /**
     * The Gram matrices over positions of a batch of activations {@code (N, C, ...)}: {@code G = F Fᵀ / M} per
     * item, {@code (N, C, C)}, with {@code F} the item's {@code C × M} matrix of channels by positions (Gatys, Ecker
     * &amp; Bethge 2015). A dense activation {@code (N, C)} has one position.
     */
    public static NDArray gram(NDArray activation) {
        long[] s = activation.getShape().getShape();
        if (s.length < 2) {
            throw new IllegalArgumentException("a Gram matrix needs an activation (N, C, ...), got shape "
                    + Arrays.toString(s));
        }
        NDArray f = activation.reshape(s[0], s[1], -1);
        long positions = f.getShape().get(2);
        return f.matMul(f.transpose(0, 2, 1)).div(positions);
    }

    /** {@code −(1/(4C²)) Σ_ij (G_ij − A_ij)²} per item, averaged over the batch. */
    private static NDArray style(NDArray a, Objective.Style st) {
        long[] s = a.getShape().getShape();
        int c = st.channels();
        if (s.length < 2 || s[1] != c) {
            throw new IllegalArgumentException("the Gram target of " + st.description() + " is " + c + "×" + c
                    + " but layer '" + st.layer() + "' gives shape " + Arrays.toString(s) + "; compute the target"
                    + " at this layer of this model (TextureSynthesis.gram)");
        }
        NDArray target = HeapArrays.create(a.getManager(), st.gram(), new Shape(1, c, c))
                .toType(a.getDataType(), false);
        NDArray perItem = gram(a).sub(target).square().sum(new int[] {2}).sum(new int[] {1});
        return perItem.mean().div(-4.0 * c * c);
    }

    /** {@code −½ · mean((F − P)²)} over the target's values and the batch. */
    private static NDArray content(NDArray a, Objective.Content c) {
        long[] s = a.getShape().getShape();
        int[] t = c.shape();
        boolean same = s.length == t.length + 1;
        for (int i = 0; same && i < t.length; i++) {
            same = s[i + 1] == t[i];
        }
        if (!same) {
            throw new IllegalArgumentException("the content target of " + c.description() + " has shape "
                    + Arrays.toString(t) + " but layer '" + c.layer() + "' gives " + Arrays.toString(s)
                    + " (with the batch); take the content image at the optimised image's size");
        }
        long[] withBatch = new long[s.length];
        withBatch[0] = 1;
        for (int i = 0; i < t.length; i++) {
            withBatch[i + 1] = t[i];
        }
        NDArray target = HeapArrays.create(a.getManager(), c.features(), new Shape(withBatch))
                .toType(a.getDataType(), false);
        return a.sub(target).square().mean().mul(-0.5);
    }

    /** {@code Σ ((x[i,j+1] − x[i,j])² + (x[i+1,j] − x[i,j])² + ε)^(β/2)} over the whole batch. */
    static NDArray totalVariation(NDArray x, double beta) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        if (h < 2 || w < 2) {
            throw new IllegalArgumentException("total variation needs an image of at least 2×2 pixels, got " + h
                    + "×" + w);
        }
        NDArray base = x.get(new NDIndex(":, :, :{}, :{}", h - 1, w - 1));
        NDArray dx = x.get(new NDIndex(":, :, :{}, 1:", h - 1)).sub(base);
        NDArray dy = x.get(new NDIndex(":, :, 1:, :{}", w - 1)).sub(base);
        NDArray d = dx.square().add(dy.square()).add(TV_EPSILON);
        return (beta == 2 ? d : d.pow(beta / 2)).sum();
    }

    /** {@code ½ Σ (x − blur(x))²} over the interior, the 3×3 box blur held constant, over the whole batch. */
    static NDArray blurPenalty(NDArray x) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        if (h < 3 || w < 3) {
            throw new IllegalArgumentException("the blur penalty needs an image of at least 3×3 pixels, got " + h
                    + "×" + w);
        }
        NDList shifted = new NDList();
        for (int dy = 0; dy < 3; dy++) {
            for (int dx = 0; dx < 3; dx++) {
                shifted.add(x.get(new NDIndex(":, :, {}:{}, {}:{}", dy, h - 2 + dy, dx, w - 2 + dx)));
            }
        }
        NDArray blurred = NDArrays.add(shifted.toArray(new NDArray[0])).div(9).stopGradient();
        NDArray centre = x.get(new NDIndex(":, :, 1:{}, 1:{}", h - 1, w - 1));
        return centre.sub(blurred).square().sum().mul(0.5);
    }
}
