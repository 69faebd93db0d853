package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.explain4j.djl.core.Objectives;
import io.github.explain4j.djl.internal.GradientLock;
import io.github.explain4j.djl.internal.OperandPins;
import io.github.explain4j.djl.seam.LayerwiseBackward;
import io.github.explain4j.djl.seam.ModelSeam;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.Objective;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The redirected-ReLU gradient for the first steps of an optimisation, as Lucid's feature visualisation uses it
 * (Olah, Mordvintsev, Schubert, "Feature Visualization", Distill 2017): where a ReLU lets no gradient through for an
 * image — every unit of the layer is off, or the ones that are on do not matter — the optimisation would never
 * start. In that case the gradient is sent through the units that are off as well, but only where it would push
 * them up, towards the range where they pass gradient again.
 *
 * <p>At a ReLU with input {@code x} and the objective's gradient {@code g} at its output (ascent: {@code g > 0}
 * means "increase this unit"), per image of the batch:
 * <ul>
 *   <li>the true gradient {@code g·[x > 0]} if it is not zero everywhere for that image;</li>
 *   <li>otherwise the redirected gradient {@code g·([x > 0] ∨ [g > 0])}: units that are off pass {@code g} where it
 *       pushes them up, and nothing where it would push them further down.</li>
 * </ul>
 * A ReLU6 ({@code min(max(x, 0), 6)}, MobileNetV2's) likewise passes {@code g·[0 < x < 6]}, or, redirected,
 * also {@code g} where {@code x ≤ 0} and {@code g > 0} and where {@code x ≥ 6} and {@code g < 0}. Every other layer
 * keeps the chain rule. The objective's value is unchanged; only the direction of the first steps is.
 *
 * <p>The backward pass runs layer by layer ({@link LayerwiseBackward}), so the model must be a DJL block tree (not a
 * TorchScript module) whose activations are ReLUs or ReLU6, and the objective's model terms must read one layer (or
 * the output); penalties on the image keep their exact gradient. The gradient then reaches the image's parameters
 * through a second, ordinary gradient pass over the parameterisation and transforms.
 */
final class RedirectedRelu implements LayerwiseBackward.Rule {

    /** What a step gives: the objective's value and its (redirected) gradient w.r.t. the parameters. */
    record Step(double value, NDArray gradient) {}

    /** The image in pixel space and the model's input built from it. */
    record Built(NDArray image, NDArray input) {}

    private final Objective objective;
    private final String layer;
    private final LayerwiseBackward backward;
    private final ModelSeam seam;

    private RedirectedRelu(ModelSeam seam, Objective objective) {
        this.seam = seam;
        this.objective = objective;
        Set<String> layers = objective.layers();
        if (layers.size() > 1 || layers.size() == 1 && objective.readsOutput()) {
            throw new IllegalArgumentException("redirectedRelu(...) sends the gradient back from one layer, but the"
                    + " objective " + objective.description() + " reads " + (objective.readsOutput()
                    ? "the output and " : "") + "layers " + layers + "; use redirectedRelu(0) for objectives over"
                    + " several layers");
        }
        if (layers.isEmpty() && !objective.readsOutput()) {
            throw new IllegalArgumentException("redirectedRelu(...) changes the gradient through the model, but the"
                    + " objective " + objective.description() + " reads no layer of it; use redirectedRelu(0)");
        }
        this.layer = layers.isEmpty() ? null : layers.iterator().next();
        try {
            this.backward = LayerwiseBackward.of(layer == null ? seam : seam.withOutputLayer(layer));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redirectedRelu(...) rewrites the backward pass at every ReLU: "
                    + e.getMessage() + "; use redirectedRelu(0) for this model", e);
        }
    }

    /**
     * The rule for {@code objective} on {@code seam}.
     *
     * @throws IllegalArgumentException if the model is not a block tree, or the objective reads several layers or
     *     none
     */
    static RedirectedRelu of(ModelSeam seam, Objective objective) {
        return new RedirectedRelu(seam, objective);
    }

    @Override
    public String method() {
        return "the redirected-ReLU gradient";
    }

    @Override
    public boolean relevance() {
        return false;
    }

    @Override
    public boolean handles(LayerwiseBackward.LayerType type) {
        return true;
    }

    @Override
    public NDArray relu(LayerwiseBackward.Layer relu, NDArray g) {
        NDArray x = relu.input();
        boolean six = relu.type() == LayerwiseBackward.LayerType.RELU6;
        NDArray on = six ? x.gt(0).logicalAnd(x.lt(6)) : x.gt(0);
        NDArray open = on.logicalOr(x.lte(0).logicalAnd(g.gt(0)));
        if (six) {
            open = open.logicalOr(x.gte(6).logicalAnd(g.lt(0)));
        }
        NDArray normal = g.mul(on.toType(g.getDataType(), false));
        NDArray redirected = g.mul(open.toType(g.getDataType(), false));
        long n = g.getShape().get(0);
        long[] column = new long[g.getShape().dimension()];
        java.util.Arrays.fill(column, 1);
        column[0] = n;
        NDArray passes = normal.abs().reshape(n, -1).sum(new int[] {1}).gt(0).reshape(column);
        return NDArrays.where(passes.broadcast(g.getShape()), normal, redirected);
    }

    @Override
    public NDArray linear(LayerwiseBackward.Layer layer, NDArray signal) {
        return layer.backward(LayerwiseBackward.Weights.UNCHANGED, signal);
    }

    /**
     * One step's value and gradient w.r.t. {@code theta}: the model's input gradient with redirected ReLUs, carried
     * to the parameters through {@code build}, plus the exact gradient of the objective's image penalties.
     *
     * @param build the image and model input from the parameters; called twice per step, so it must be
     *     deterministic (give it freshly seeded draws per call)
     */
    Step step(NDManager pass, NDArray theta, Function<NDArray, Built> build) {
        NDArray at = theta.duplicate(); // so that the pass's arrays land in the pass's scope
        at.attach(pass);
        Built fixed = build.apply(at);
        NDArray image = fixed.image();
        LayerwiseBackward.Result r;
        try {
            r = backward.propagate(pass, fixed.input(),
                    out -> Objectives.evaluate(objective, traced(out, fixed.input()), image), this);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redirectedRelu(...) rewrites the backward pass at every ReLU: "
                    + e.getMessage() + " Or use redirectedRelu(0) for this model.", e);
        }
        NDArray inputGradient = r.inputSignal();
        NDArray output = r.output();
        double value = r.scores().sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        ReentrantLock lock = GradientLock.of(seam.engineName());
        lock.lock();
        try (NDManager pinned = OperandPins.pinnedScope(pass)) {
            NDArray leaf = theta.duplicate();
            leaf.attach(pinned);
            leaf.setRequiresGradient(true);
            NDArray gradient;
            try (GradientCollector c = seam.manager().getEngine().newGradientCollector()) {
                Built b = build.apply(leaf);
                // the penalties' gradient is exact; the model's terms are constants here (their values from the pass)
                NDArray total = b.input().mul(inputGradient).sum()
                        .add(Objectives.evaluate(objective, traced(output, b.input()), b.image()));
                c.backward(total);
                gradient = leaf.getGradient().duplicate();
            }
            gradient.attach(pass);
            return new Step(value, gradient);
        } finally {
            lock.unlock();
        }
    }

    /** The traced values an objective over one layer (or the output) reads, with {@code at} as that layer's value. */
    private TraceRequest.Traced traced(NDArray at, NDArray input) {
        return new TraceRequest.Traced() {
            @Override
            public NDArray output() {
                return at;
            }

            @Override
            public NDArray activation(String name) {
                if (!name.equals(layer)) {
                    throw new IllegalArgumentException("layer '" + name + "' was not traced");
                }
                return at;
            }

            @Override
            public NDArray input() {
                return input;
            }

            @Override
            public NDList parameters() {
                return new NDList();
            }
        };
    }
}
