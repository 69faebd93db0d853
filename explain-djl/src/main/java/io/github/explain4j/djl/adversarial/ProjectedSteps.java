package io.github.explain4j.djl.adversarial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Normalization;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.IntConsumer;

/**
 * The loop every gradient attack runs on one batch, in pixel space: {@code x ← Π(x + α·step(∇ₓ L))}, where the
 * gradient is taken through the model's normalisation with respect to the pixel image, {@code step} is the sign
 * (L∞) or the gradient over its L2 norm (L2), and {@code Π} projects onto the ε-ball around the clean image and
 * onto the pixel range [0, 1]. {@code L} is the cross-entropy of the label (untargeted, ascended) or minus that of
 * the target (targeted). One trace per step; the step and the projection are array operations on the engine.
 *
 * <p>With {@link Plan#stopWhenFooled()}, each step also reads the classes the trace's output gives (one integer
 * per image): an image the model already gets wrong (untargeted) or gives the target (targeted) keeps that
 * iterate and leaves the batch, which shrinks (its arrays are rebuilt only on the steps where images leave).
 */
final class ProjectedSteps {

    private ProjectedSteps() {}

    /** The work a batch did: the traces and the image passes (one image through one forward+backward). */
    static final class Work {
        long traces;
        long imagePasses;
    }

    /**
     * Runs {@code plan} on the pixel batch {@code pixels} ({@code n} images of the model's spec, heap values) and
     * returns the adversarial batch {@code (n, C, H, W)} of the model's data type in {@code chunk}.
     *
     * @param classes per image, the label (untargeted) or the target (targeted)
     * @param ids each image's index in the whole set (random starts are drawn per image from it and the seed)
     * @param afterStep called after each step with its number
     */
    static NDArray run(ExplainableModel model, NDManager chunk, float[] pixels, int[] classes, boolean targeted,
            Plan plan, int[] ids, String task, IntConsumer afterStep, Work work) {
        InputSpec spec = model.spec();
        DataType type = model.seam().dataType();
        int n = classes.length;
        int per = pixels.length / n;
        NDArray x0 = batch(chunk, model, pixels, n);
        if (plan.epsilon() == 0) {
            return x0;
        }
        int k = model.numClasses();
        Normalization.Columns normalization = Normalization.columns(chunk, spec, type);
        NDArray mean = normalization.mean();
        NDArray std = normalization.std();
        float sign = targeted ? 1 : -1;
        double eps = plan.epsilon();
        // the images still attacked: their positions in the batch, and their arrays
        int[] active = new int[n];
        for (int i = 0; i < n; i++) {
            active[i] = i;
        }
        float[] result = plan.stopWhenFooled() ? new float[n * per] : null;
        boolean linf = plan.norm() == Norm.LINF;
        boolean identity = isIdentity(spec);
        // L∞ iterates live in the model's normalised space, z = (x − mean)/std: the sign of the pixel gradient is
        // the sign of z's (std > 0), a pixel step α is a step α/std in z, and the pixel box is a box in z; so a
        // step costs the model's own forward+backward plus five array operations, with no normalisation to record
        Rows rows = new Rows(chunk, model, pixels, classes, active, per, k, eps, plan.norm(), mean, std);
        NDArray alphaZ = linf ? std.pow(-1).mul(plan.stepSize()) : null;
        NDArray start = plan.randomStart() ? randomStart(chunk, rows, plan, ids) : rows.x0.duplicate();
        NDArray x = linf ? start.sub(mean).div(std) : start;
        for (int step = 1; step <= plan.steps(); step++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException(task + " was cancelled at step " + step + " of " + plan.steps());
            }
            NDArray next;
            int[] stay = null;
            try (NDManager pass = chunk.newSubManager()) {
                Rows r = rows;
                TraceRequest.Objective loss = v -> v.output().logSoftmax(1).mul(r.oneHot).mul(sign);
                TraceRequest request = linf || identity ? TraceRequest.of(x).inputGradient().objective(loss)
                        : TraceRequest.fromParameters(List.of(x), q -> q.head().sub(mean).div(std)).objective(loss);
                Trace t = model.seam().trace(pass, request);
                work.traces++;
                work.imagePasses += active.length;
                if (result != null) {
                    stay = stillAttacked(t.output(), r.classes, targeted);
                }
                if (linf) {
                    next = t.inputGradient().sign().mul(alphaZ).add(x).maximum(r.loZ).minimum(r.hiZ);
                } else {
                    // every operation starts from an array of the pass, so that its result lands there
                    NDArray g = identity ? t.inputGradient() : t.parameterGradients().get(0);
                    int m = active.length;
                    NDArray flat = g.reshape(m, per);
                    NDArray length = flat.square().sum(new int[] {1}, true).sqrt().add(1e-12);
                    NDArray delta = flat.div(length).mul(plan.stepSize()).reshape(x.getShape()).add(x).sub(r.x0);
                    next = project(delta.reshape(m, per), eps).reshape(x.getShape()).add(r.x0).clip(0, 1);
                }
                next.attach(chunk);
            }
            if (stay != null && stay.length < active.length) {
                // the images that left keep the iterate the trace classified (x, before this step)
                float[] current = rows.pixels(x).toType(DataType.FLOAT32, false).toFloatArray();
                float[] moved = next.toType(DataType.FLOAT32, false).toFloatArray();
                int s = 0;
                for (int j = 0; j < active.length; j++) {
                    if (s < stay.length && stay[s] == j) {
                        s++;
                    } else {
                        System.arraycopy(current, j * per, result, active[j] * per, per);
                    }
                }
                int[] kept = new int[stay.length];
                float[] keptRows = new float[stay.length * per];
                for (int j = 0; j < stay.length; j++) {
                    kept[j] = active[stay[j]];
                    System.arraycopy(moved, stay[j] * per, keptRows, j * per, per);
                }
                active = kept;
                rows.close();
                x.close();
                next.close();
                if (active.length == 0) {
                    afterStep.accept(plan.steps());
                    break;
                }
                rows = new Rows(chunk, model, pixels, classes, active, per, k, eps, plan.norm(), mean, std);
                next = batch(chunk, model, keptRows, active.length);
            } else {
                x.close();
            }
            x = next;
            afterStep.accept(step);
        }
        if (result == null) {
            return rows.pixels(x);
        }
        if (active.length > 0) {
            float[] last = rows.pixels(x).toType(DataType.FLOAT32, false).toFloatArray();
            for (int j = 0; j < active.length; j++) {
                System.arraycopy(last, j * per, result, active[j] * per, per);
            }
        }
        return batch(chunk, model, result, n);
    }

    /** Whether the spec's normalisation does nothing (mean 0 and std 1 in every channel). */
    private static boolean isIdentity(InputSpec spec) {
        for (int c = 0; c < spec.channels(); c++) {
            if (spec.mean()[c] != 0 || spec.std()[c] != 1) {
                return false;
            }
        }
        return true;
    }

    /** The positions (in the current batch) of the images the output does not yet misclassify, increasing. */
    private static int[] stillAttacked(NDArray logits, int[] classes, boolean targeted) {
        int[] predicted = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
        int[] stay = new int[predicted.length];
        int s = 0;
        for (int j = 0; j < predicted.length; j++) {
            boolean fooled = targeted ? predicted[j] == classes[j] : predicted[j] != classes[j];
            if (!fooled) {
                stay[s++] = j;
            }
        }
        return java.util.Arrays.copyOf(stay, s);
    }

    /**
     * The arrays of the images still attacked: clean images, one-hot classes, the L∞ box in pixels and in the
     * normalised space.
     */
    private static final class Rows implements AutoCloseable {
        final NDArray x0;
        final NDArray oneHot;
        final int[] classes;
        final NDArray lo;
        final NDArray hi;
        final NDArray loZ;
        final NDArray hiZ;
        final NDArray mean;
        final NDArray std;

        Rows(NDManager chunk, ExplainableModel model, float[] pixels, int[] allClasses, int[] active, int per, int k,
                double eps, Norm norm, NDArray mean, NDArray std) {
            this.mean = mean;
            this.std = std;
            int m = active.length;
            float[] clean = new float[m * per];
            float[] hot = new float[m * k];
            classes = new int[m];
            for (int j = 0; j < m; j++) {
                System.arraycopy(pixels, active[j] * per, clean, j * per, per);
                classes[j] = allClasses[active[j]];
                hot[j * k + classes[j]] = 1;
            }
            x0 = batch(chunk, model, clean, m);
            oneHot = HeapArrays.create(chunk, hot, new Shape(m, k)).toType(x0.getDataType(), false);
            if (norm == Norm.LINF) {
                lo = x0.sub(eps).maximum(0);
                hi = x0.add(eps).minimum(1);
                loZ = lo.sub(mean).div(std);
                hiZ = hi.sub(mean).div(std);
            } else {
                lo = null;
                hi = null;
                loZ = null;
                hiZ = null;
            }
        }

        /**
         * An iterate in pixels: an L2 iterate as it is; an L∞ iterate, kept normalised, mapped back and clipped to
         * the pixel box (exact, whatever the rounding of the map).
         */
        NDArray pixels(NDArray iterate) {
            return lo == null ? iterate : iterate.mul(std).add(mean).maximum(lo).minimum(hi);
        }

        @Override
        public void close() {
            for (NDArray a : new NDArray[] {x0, oneHot, lo, hi, loZ, hiZ}) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    /** Rows {@code (n, d)} scaled onto the L2 ball of radius ε: {@code δ · ε / max(‖δ‖, ε)}. */
    private static NDArray project(NDArray delta, double eps) {
        NDArray length = delta.square().sum(new int[] {1}, true).sqrt();
        return delta.mul(length.maximum(eps).pow(-1).mul(eps));
    }

    /**
     * A uniform point of the ε-ball around each image (L∞: each value uniform in [−ε, ε]; L2: a uniform direction
     * at radius ε·u^(1/d)), in the pixel range; drawn per image from (seed, index in the set) so that how the set
     * is split into batches does not change it.
     */
    private static NDArray randomStart(NDManager chunk, Rows rows, Plan plan, int[] ids) {
        NDArray x0 = rows.x0;
        long n = x0.getShape().get(0);
        int per = Math.toIntExact(x0.getShape().size() / n);
        float[] noise = new float[Math.toIntExact(n * per)];
        double eps = plan.epsilon();
        for (int i = 0; i < n; i++) {
            SplittableRandom random = new SplittableRandom(plan.seed() * 0x9E3779B97F4A7C15L + ids[i]);
            if (plan.norm() == Norm.LINF) {
                for (int j = 0; j < per; j++) {
                    noise[i * per + j] = (float) ((2 * random.nextDouble() - 1) * eps);
                }
            } else {
                double[] z = new double[per];
                double length = 0;
                for (int j = 0; j < per; j++) {
                    // Box–Muller: a standard normal from two uniforms
                    z[j] = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI
                            * random.nextDouble());
                    length += z[j] * z[j];
                }
                double radius = eps * Math.pow(random.nextDouble(), 1.0 / per) / Math.max(Math.sqrt(length), 1e-30);
                for (int j = 0; j < per; j++) {
                    noise[i * per + j] = (float) (z[j] * radius);
                }
            }
        }
        NDArray delta = HeapArrays.create(chunk, noise, x0.getShape()).toType(x0.getDataType(), false);
        if (plan.norm() == Norm.LINF) {
            return delta.add(x0).maximum(rows.lo).minimum(rows.hi);
        }
        return project(delta.reshape(n, per), eps).reshape(x0.getShape()).add(x0).clip(0, 1);
    }

    /** {@code n} heap images as a pixel batch {@code (n, C, H, W)} of the model's data type. */
    static NDArray batch(NDManager scope, ExplainableModel model, float[] values, int n) {
        return HeapArrays.create(scope, values, model.inputShape(n)).toType(model.seam().dataType(), false);
    }
}
