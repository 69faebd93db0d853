package io.github.explain4j.djl.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.CustomTarget;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.ScoreFunction;
import java.util.Arrays;

/**
 * A {@link Target} checked against a model and turned into a score function. A top-prediction target may stay
 * lazy (resolved from the output of the same pass, so single-pass methods cost no extra forward) or be fixed
 * per input on the clean input (what multi-pass methods need, so that every noisy or scaled copy explains the
 * same class).
 */
public final class ResolvedTarget {

    private final Target target;
    private final int[] classes;
    private final ScoreFunction custom;

    private ResolvedTarget(Target target, int[] classes, ScoreFunction custom) {
        this.target = target;
        this.classes = classes;
        this.custom = custom;
    }

    /** Checks a target against the model; a top-prediction target stays lazy. */
    public static ResolvedTarget of(ExplainableModel model, Target target, int batch) {
        if (target == null) {
            throw new IllegalArgumentException("target was null; use Target.topPrediction() to explain the"
                    + " predicted class");
        }
        if (target instanceof CustomTarget c) {
            return new ResolvedTarget(target, null, c.function());
        }
        if (target instanceof Target.Region r) {
            return new ResolvedTarget(target, null, region(model, r));
        }
        int k = model.numClasses();
        if (target instanceof Target.ClassSet set) {
            for (int i : set.indices()) {
                if (i >= k) {
                    throw new IllegalArgumentException("class index " + i + " is out of range; model '"
                            + model.name() + "' has " + k + " outputs (0.." + (k - 1) + ")");
                }
            }
            return new ResolvedTarget(target, null, classSet(set.indices(), k));
        }
        if (target instanceof Target.TopPrediction) {
            return new ResolvedTarget(target, null, null);
        }
        int index;
        if (target instanceof Target.ClassIndex ci) {
            index = ci.index();
        } else if (target instanceof Target.ClassLabel cl) {
            index = model.spec().indexOf(cl.label());
        } else {
            throw new IllegalArgumentException("target of type " + target.getClass().getName()
                    + " is not supported by the DJL binding; use Target.topPrediction(), classIndex, label or"
                    + " CustomTarget.of(function, description)");
        }
        if (index >= k) {
            throw new IllegalArgumentException("class index " + index + " is out of range; model '" + model.name()
                    + "' has " + k + " outputs (0.." + (k - 1) + ")");
        }
        int[] cls = new int[batch];
        Arrays.fill(cls, index);
        return new ResolvedTarget(target, cls, null);
    }

    private static ScoreFunction classSet(int[] indices, int k) {
        return output -> {
            long n = output.getShape().get(0);
            float[] hot = new float[(int) (n * k)];
            for (int i = 0; i < n; i++) {
                for (int c : indices) {
                    hot[i * k + c] = 1f;
                }
            }
            NDArray mask = HeapArrays.create(output.getManager(), hot, output.getShape())
                    .toType(output.getDataType(), false);
            return output.mul(mask).sum(new int[] {1});
        };
    }

    private static ScoreFunction region(ExplainableModel model, Target.Region r) {
        long[] s = model.outputShape();
        if (s.length != 4) {
            throw new IllegalArgumentException("a region target needs a spatial output (N, C, H, W); model '"
                    + model.name() + "' outputs " + java.util.Arrays.toString(s));
        }
        if (r.channel() >= s[1] || r.top() + r.height() > s[2] || r.left() + r.width() > s[3]) {
            throw new IllegalArgumentException(r.describe() + " does not fit the output "
                    + java.util.Arrays.toString(s) + "; expected channel < " + s[1] + ", top + height ≤ " + s[2]
                    + ", left + width ≤ " + s[3]);
        }
        return output -> {
            long n = output.getShape().get(0);
            long plane = s[2] * s[3];
            float[] m = new float[(int) (n * s[1] * plane)];
            for (int i = 0; i < n; i++) {
                for (int y = r.top(); y < r.top() + r.height(); y++) {
                    for (int x = r.left(); x < r.left() + r.width(); x++) {
                        m[(int) ((i * s[1] + r.channel()) * plane + y * s[3] + x)] = 1f;
                    }
                }
            }
            NDArray mask = HeapArrays.create(output.getManager(), m, output.getShape())
                    .toType(output.getDataType(), false);
            return output.mul(mask).reshape(n, -1).sum(new int[] {1});
        };
    }

    /** Whether the target is still an unresolved top prediction. */
    public boolean isLazy() {
        return classes == null && custom == null;
    }

    /** Whether the target is a custom function rather than a class. */
    public boolean isCustom() {
        return custom != null;
    }

    /**
     * This target with its classes fixed from a forward pass of {@code input} when it is a lazy top prediction;
     * otherwise itself.
     */
    public ResolvedTarget fixed(ExplainableModel model, NDManager scope, NDArray input) {
        if (!isLazy()) {
            return this;
        }
        return withClasses(argMax(model.seam().forward(scope, input)));
    }

    /** This target with explicit classes (used when the classes were read off an output). */
    public ResolvedTarget withClasses(int[] cls) {
        return new ResolvedTarget(target, cls.clone(), null);
    }

    /** The classes explained, one per input, or {@code null} when lazy or custom. */
    public int[] classes() {
        return classes == null ? null : classes.clone();
    }

    /** The classes explained, one per input, with {@code -1} for every input when the target is not a class. */
    public int[] classesOrNone(int n) {
        if (classes != null) {
            return classes.clone();
        }
        int[] none = new int[n];
        java.util.Arrays.fill(none, -1);
        return none;
    }

    /** Each input's class repeated {@code times} times in a row, for methods that expand inputs into copies. */
    public ResolvedTarget repeatEach(int times) {
        if (classes == null) {
            return this;
        }
        int[] out = new int[classes.length * times];
        for (int i = 0; i < out.length; i++) {
            out[i] = classes[i / times];
        }
        return new ResolvedTarget(target, out, custom);
    }

    /** The whole list of classes repeated {@code times} times, for a batch made of several stacked copies. */
    public ResolvedTarget tile(int times) {
        if (classes == null) {
            return this;
        }
        int[] out = new int[classes.length * times];
        for (int i = 0; i < out.length; i++) {
            out[i] = classes[i % classes.length];
        }
        return new ResolvedTarget(target, out, custom);
    }

    /** The classes of inputs {@code from} (inclusive) to {@code to} (exclusive). */
    public ResolvedTarget slice(int from, int to) {
        if (classes == null) {
            return this;
        }
        return new ResolvedTarget(target, Arrays.copyOfRange(classes, from, to), custom);
    }

    /** What is explained, for provenance. */
    public String describe() {
        return target.describe();
    }

    /**
     * The score function: the class's output (one-hot dot product), the custom function, or the top output. Every
     * method's scores come through it, so it is where a score that is not a finite number is refused: a map of it
     * would be meaningless.
     *
     * <p>The function throws {@link IllegalArgumentException} naming the target, the input and the value when a
     * score is NaN or infinite.
     */
    public ScoreFunction scoreFunction() {
        ScoreFunction raw = rawScoreFunction();
        return output -> finite(raw.scores(output));
    }

    /** Refuses scores that are not finite numbers, naming the target and the first such input. */
    private NDArray finite(NDArray scores) {
        double[] v = scores.stopGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                String why = target instanceof CustomTarget
                        ? "its function must give a finite score for every input: look for 0/0, the log or square"
                                + " root of values ≤ 0, or a division by something that can be 0"
                        : "the model's output is not finite: check its parameters and the input's normalisation";
                throw new IllegalArgumentException("target '" + target.describe() + "' cannot be explained: its"
                        + " score was " + v[i] + " (input " + i + " of a pass of " + v.length + "); " + why);
            }
        }
        return scores;
    }

    private ScoreFunction rawScoreFunction() {
        if (custom != null) {
            return output -> {
                NDArray s = custom.scores(output);
                if (s.getShape().dimension() != 1 || s.getShape().get(0) != output.getShape().get(0)) {
                    throw new IllegalArgumentException("custom target '" + target.describe() + "' returned shape "
                            + s.getShape() + "; expected one score per input, (" + output.getShape().get(0) + ")");
                }
                return s;
            };
        }
        return output -> {
            if (output.getShape().dimension() != 2) {
                throw new IllegalArgumentException("model output has shape " + output.getShape() + "; "
                        + target.describe() + " needs outputs (N, classes): use CustomTarget.of(function, description)"
                        + " for other outputs");
            }
            int[] cls = classes != null ? classes : argMax(output);
            return output.mul(oneHot(output, cls)).sum(new int[] {1});
        };
    }

    private static NDArray oneHot(NDArray output, int[] cls) {
        long n = output.getShape().get(0);
        long k = output.getShape().get(1);
        if (cls.length != n) {
            throw new IllegalStateException("target has " + cls.length + " classes for a batch of " + n);
        }
        float[] hot = new float[(int) (n * k)];
        for (int i = 0; i < n; i++) {
            hot[(int) (i * k + cls[i])] = 1f;
        }
        return HeapArrays.create(output.getManager(), hot, new Shape(n, k)).toType(output.getDataType(), false);
    }

    /** The index of the largest output of each row of {@code (N, K)} outputs. */
    public static int[] argMax(NDArray output) {
        long n = output.getShape().get(0);
        int k = (int) output.getShape().get(1);
        float[] v = output.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        int[] out = new int[(int) n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (v[i * k + j] > v[i * k + best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
