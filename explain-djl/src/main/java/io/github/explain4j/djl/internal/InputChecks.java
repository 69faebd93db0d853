package io.github.explain4j.djl.internal;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.explain4j.api.InputSpec;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The checks that an {@link InputSpec} fits the model it describes and that a tensor fits the spec, each failing
 * with a message that names the value and the fix. Used by {@code ExplainableModel}; not API.
 */
public final class InputChecks {

    /**
     * How far outside the normalised pixel range an input value may lie, in widths of that range: a channel whose
     * pixels in [0, 1] normalise to {@code [lo, hi]} accepts values in {@code [lo − 10·(hi − lo), hi + 10·(hi − lo)]}
     * — for {@code InputSpec.rgb} without normalisation, [−10, 11]; with ImageNet's mean and std about [−46, 46].
     * Noisy or slightly out-of-range inputs pass; pixels in 0–255 (a factor 255 too large) do not.
     */
    public static final double RANGE_MARGIN = 10;

    private InputChecks() {}

    /**
     * Refuses a spec whose channel count or size differs from the input shape the block was initialised (or
     * loaded) with, {@link Block#getInputShapes()}. Blocks that record no single {@code (N, C, H, W)} shape with 1
     * or 3 channels — TorchScript modules, custom blocks — cannot tell and pass; their first pass is checked by
     * {@link #firstPass}.
     *
     * @param block the model's block
     * @param spec the description to check
     * @param modelName the model's name, for the message
     * @throws NullPointerException if the spec is null
     * @throws IllegalArgumentException naming both shapes and the spec that fits
     */
    public static void specFitsBlock(Block block, InputSpec spec, String modelName) {
        Objects.requireNonNull(spec, "spec was null; describe the model's input with InputSpec.rgb(height, width)"
                + " or InputSpec.grey(height, width)");
        long[] recorded = recordedInput(block);
        if (recorded == null) {
            return;
        }
        long channels = recorded[1];
        long height = recorded[2];
        long width = recorded[3];
        String real = factory((int) channels, height, width);
        String given = factory(spec.channels(), spec.height(), spec.width());
        String initialised = "it was initialised for inputs " + new Shape(recorded);
        if (channels != spec.channels()) {
            throw new IllegalArgumentException("model '" + modelName + "' takes " + channels + " channels ("
                    + initialised + ") but was described with " + given + ", which gives " + spec.channels()
                    + "; use " + real + " (images are converted " + (channels == 3 ? "to RGB" : "to grey")
                    + "), keeping your normalisation and labels");
        }
        if (height != spec.height() || width != spec.width()) {
            throw new IllegalArgumentException("model '" + modelName + "' was described with " + given + ", a "
                    + spec.height() + "×" + spec.width() + " input, but " + initialised + "; describe it with "
                    + real + ", its real size (images are resized to it), keeping your normalisation and labels."
                    + " To explain a fully convolutional model at another size on purpose, wrap it at its size and"
                    + " change the size with withSpec(...)");
        }
    }

    /** The block's one recorded {@code (N, C, H, W)} input shape with C 1 or 3, or {@code null}. */
    private static long[] recordedInput(Block block) {
        Shape[] shapes;
        try {
            shapes = block == null ? null : block.getInputShapes();
        } catch (RuntimeException e) { // not initialised, or a block that does not keep its shapes
            return null;
        }
        if (shapes == null || shapes.length != 1 || shapes[0] == null || shapes[0].dimension() != 4) {
            return null;
        }
        long[] s = shapes[0].getShape();
        if ((s[1] != 1 && s[1] != 3) || s[2] <= 0 || s[3] <= 0) {
            return null;
        }
        return s;
    }

    private static String factory(int channels, long height, long width) {
        return (channels == 3 ? "InputSpec.rgb(" : "InputSpec.grey(") + height + ", " + width + ")";
    }

    /**
     * Runs the model's first pass (a forward pass of one input of the spec's shape) and turns an engine error —
     * what a model that cannot tell its input shape gives for the wrong size or channel count — into a message
     * naming the spec.
     *
     * @param pass the pass, returning the output shape
     * @param spec the description the pass used
     * @param modelName the model's name, for the message
     * @return what the pass returned
     * @throws IllegalArgumentException naming the input shape, the spec and the fix, when the engine failed
     */
    public static long[] firstPass(Supplier<long[]> pass, InputSpec spec, String modelName) {
        try {
            return pass.get();
        } catch (EngineException e) {
            Shape one = new Shape(1, spec.channels(), spec.height(), spec.width());
            throw new IllegalArgumentException("model '" + modelName + "' failed on an input " + one
                    + " described by " + spec + ": " + engineReason(e) + " — describe the model with the size and"
                    + " channels it was built for, InputSpec.rgb(H, W) or InputSpec.grey(H, W)", e);
        }
    }

    /** The line of an engine message that says what went wrong (TorchScript adds a trace before it). */
    private static String engineReason(EngineException e) {
        String[] lines = String.valueOf(e.getMessage()).strip().split("\n");
        String reason = lines[0];
        for (String line : lines) {
            if (line.contains("Error: ")) {
                reason = line.substring(line.indexOf("Error: ") + 7);
                break;
            }
        }
        reason = reason.strip();
        return reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
    }

    /**
     * Refuses a tensor whose shape is not {@code (N, C, H, W)} of the spec with at least one input, saying how to
     * fix the common layouts: channels last, a missing batch axis, an empty batch.
     *
     * @throws IllegalArgumentException naming the shape and the fix
     */
    public static void tensorShape(Shape s, InputSpec spec) {
        int c = spec.channels();
        int h = spec.height();
        int w = spec.width();
        String expected = "(N, " + c + ", " + h + ", " + w + ")";
        int d = s.dimension();
        if (d == 4 && s.get(1) == c && s.get(2) == h && s.get(3) == w) {
            if (s.get(0) < 1) {
                throw new IllegalArgumentException("input holds no images: its shape is " + s + "; pass a batch"
                        + " of at least one, " + expected);
            }
            return;
        }
        String problem;
        if (d == 4 && s.get(1) == h && s.get(2) == w && s.get(3) == c) {
            problem = "input has shape " + s + ", channels last (N, H, W, C); transpose to (N, C, H, W) with"
                    + " input.transpose(0, 3, 1, 2)";
        } else if (d == 3 && s.get(0) == c && s.get(1) == h && s.get(2) == w) {
            problem = "input has shape " + s + ", one image without the batch axis; add it with"
                    + " input.expandDims(0) to get " + expected;
        } else if (d == 3 && s.get(0) == h && s.get(1) == w && s.get(2) == c) {
            problem = "input has shape " + s + ", one channels-last image (H, W, C); transpose to (N, C, H, W)"
                    + " with input.transpose(2, 0, 1).expandDims(0)";
        } else if (d == 4 && s.get(1) != c) {
            problem = "input has " + s.get(1) + " channels but the model takes " + c + "; expected " + expected
                    + " — pass images to have them converted, or describe the model's input with another"
                    + " InputSpec";
        } else {
            problem = "input has shape " + s + "; expected " + expected + " — pass images to have them resized,"
                    + " or describe the model's input with another InputSpec";
        }
        throw new IllegalArgumentException(problem);
    }

    /**
     * Refuses input values far outside what normalised pixels can give: per channel, pixels in [0, 1] normalise
     * to {@code [(0 − mean)/std, (1 − mean)/std]}, widened by {@link #RANGE_MARGIN} times its width on each side.
     *
     * @param values finite values of a batch {@code (N, C, H, W)} of the spec, flattened
     * @param spec the description
     * @throws IllegalArgumentException naming the channel, the values found, the range and the fixes
     */
    public static void normalisedRange(double[] values, InputSpec spec) {
        int c = spec.channels();
        int plane = spec.height() * spec.width();
        int n = values.length / (c * plane);
        for (int ch = 0; ch < c; ch++) {
            double lo = spec.normalize(ch, 0f);
            double hi = spec.normalize(ch, 1f);
            double span = hi - lo;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                int from = (i * c + ch) * plane;
                for (int j = from; j < from + plane; j++) {
                    min = Math.min(min, values[j]);
                    max = Math.max(max, values[j]);
                }
            }
            if (min < lo - RANGE_MARGIN * span || max > hi + RANGE_MARGIN * span) {
                throw new IllegalArgumentException("input channel " + ch + " holds values from " + (float) min
                        + " to " + (float) max + ", far outside what pixels in [0, 1] give after the normalisation of "
                        + spec + " ([" + (float) lo + ", " + (float) hi + "]); if these are pixels in 0–255, divide"
                        + " by 255 and normalise with the spec's mean and std, or pass images to have them converted,"
                        + " or, if the model takes 0–255 values, describe it with"
                        + " InputSpec.normalized(mean 0, std 1/255)");
            }
        }
    }
}
