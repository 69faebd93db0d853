package io.github.explain4j.djl;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.internal.InputChecks;
import io.github.explain4j.djl.seam.BlockTreeSeam;
import io.github.explain4j.djl.seam.ModelClosedException;
import io.github.explain4j.djl.seam.ModelSeam;
import io.github.explain4j.djl.torchscript.TorchScriptModels;
import io.github.explain4j.djl.torchscript.TorchScriptSeam;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A DJL model on any engine, with what explain4j needs to explain it: its input description (size, channels,
 * normalisation, labels) and the {@link ModelSeam} that reaches its layers and computes correct gradients.
 *
 * <pre>{@code
 * ExplainableModel m = ExplainableModel.of(model, InputSpec.rgb(224, 224).normalized(mean, std));
 * m.layers().forEach(System.out::println);           // every addressable layer, with output shapes
 * Attribution cam = Explainer.gradCam(m, image);
 * }</pre>
 *
 * <p>The factories refuse a spec whose size or channel count differs from the input shape a block tree was
 * initialised or loaded with; for a model that does not record it (a TorchScript module), the first explanation
 * names the spec when the engine rejects its input. {@link #withSpec} is not checked, so that a fully
 * convolutional model can be explained at another size on purpose.
 *
 * <p>Immutable; the withers return new wrappers of the same model. The wrapper never closes the model, never
 * changes its parameters, running statistics or gradient flags, and may be shared between threads (gradient work
 * is serialised per engine; on MXNet every call is). Closing the DJL model while an explanation runs lets it
 * finish on the seam's own views of the parameters; later calls fail with a {@link ModelClosedException}.
 */
public final class ExplainableModel {

    private final ModelSeam seam;
    private final InputSpec spec;
    private final String name;
    private final ProgressListener progress;
    private volatile long[] outputShape;

    private ExplainableModel(ModelSeam seam, InputSpec spec, String name, ProgressListener progress) {
        this.seam = seam;
        this.spec = Objects.requireNonNull(spec, "spec");
        this.name = name;
        this.progress = progress;
    }

    /**
     * Wraps a DJL model whose block is initialised (or loaded): a block tree, or a TorchScript module (load it with
     * {@link TorchScriptModels#load}, which sets the option {@code trainParam=true} that gradients need).
     */
    public static ExplainableModel of(Model model, InputSpec spec) {
        Objects.requireNonNull(model, "model");
        Block block = model.getBlock();
        if (block == null) {
            throw new IllegalArgumentException("model '" + model.getName()
                    + "' has no block; set one with model.setBlock(block) or load the model first");
        }
        NDManager manager = model.getNDManager();
        if (!manager.isOpen()) {
            throw new IllegalStateException("model '" + model.getName() + "' is closed; explain it before closing it");
        }
        // TorchScript by class name: PyTorch classes load only for a TorchScript block
        ModelSeam seam = TorchScriptModels.isTorchScript(block)
                ? TorchScriptSeam.of(block, manager, manager::isOpen)
                : new BlockTreeSeam(block, manager, manager::isOpen);
        InputChecks.specFitsBlock(block, spec, model.getName());
        return new ExplainableModel(seam, spec, model.getName(), ProgressListener.NONE);
    }

    /** Wraps an initialised block whose parameters live in {@code manager} (which fixes the engine). */
    public static ExplainableModel of(Block block, NDManager manager, InputSpec spec) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(manager, "manager");
        InputChecks.specFitsBlock(block, spec, block.getClass().getSimpleName());
        return new ExplainableModel(new BlockTreeSeam(block, manager, manager::isOpen), spec,
                block.getClass().getSimpleName(), ProgressListener.NONE);
    }

    /** Wraps any model kind through its seam (TorchScript and other kinds plug in here). */
    public static ExplainableModel of(ModelSeam seam, InputSpec spec, String name) {
        return new ExplainableModel(Objects.requireNonNull(seam, "seam"), spec, name, ProgressListener.NONE);
    }

    /**
     * The same model explained at {@code layer}'s output instead of the final output: use it to explain logits
     * when the model ends in a softmax (gradients of a saturated probability vanish).
     */
    public ExplainableModel withOutputLayer(String layer) {
        return new ExplainableModel(seam.withOutputLayer(layer), spec, name, progress);
    }

    /** The same model with another input description. */
    public ExplainableModel withSpec(InputSpec newSpec) {
        return new ExplainableModel(seam, newSpec, name, progress);
    }

    /** The same model with class labels. */
    public ExplainableModel withLabels(List<String> labels) {
        return withSpec(spec.withLabels(labels));
    }

    /** The same model under another name (used in provenance). */
    public ExplainableModel withName(String newName) {
        return new ExplainableModel(seam, spec, Objects.requireNonNull(newName, "name"), progress);
    }

    /** The same model, reporting the progress of long explanations to {@code listener}. */
    public ExplainableModel withProgress(ProgressListener listener) {
        return new ExplainableModel(seam, spec, name, Objects.requireNonNull(listener, "listener"));
    }

    /** The input description. */
    public InputSpec spec() {
        return spec;
    }

    /** The model's name. */
    public String name() {
        return name;
    }

    /** Where progress goes. */
    public ProgressListener progress() {
        return progress;
    }

    /** The engine seam (for method authors). */
    public ModelSeam seam() {
        return seam;
    }

    /** The DJL engine name, e.g. {@code "PyTorch"}. */
    public String engine() {
        return seam.engineName();
    }

    /** The shape of one input, {@code (1, C, H, W)}. */
    public Shape inputShape(long batch) {
        return new Shape(batch, spec.channels(), spec.height(), spec.width());
    }

    /** Every addressable layer in execution order, with its output shape for one input. */
    public List<LayerInfo> layers() {
        checkOpen();
        return seam.layers(inputShape(1));
    }

    /** The layer a path names (see {@link ModelSeam#resolveLayer}), or an exception listing what exists. */
    public LayerInfo layer(String path) {
        String canonical = seam.resolveLayer(path);
        for (LayerInfo l : layers()) {
            if (l.path().equals(canonical)) {
                return l;
            }
        }
        throw new IllegalArgumentException("layer '" + path + "' is not reached by a forward pass of "
                + inputShape(1));
    }

    /**
     * The layer class-activation methods use when none is named: the last layer with a spatial output
     * ({@code N×C×H×W}, H·W &gt; 1) among the shallowest layers that have one — for a ResNet, its last stage.
     */
    public LayerInfo lastSpatialLayer() {
        List<LayerInfo> all = layers();
        int shallowest = Integer.MAX_VALUE;
        for (LayerInfo l : all) {
            if (l.isSpatial()) {
                shallowest = Math.min(shallowest, l.depth());
            }
        }
        LayerInfo best = null;
        for (LayerInfo l : all) {
            if (l.isSpatial() && l.depth() == shallowest) {
                best = l;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("model '" + name + "' has no layer with a spatial output (N×C×H×W"
                    + " with H·W > 1) for input " + inputShape(1) + "; name a layer explicitly");
        }
        return best;
    }

    /** The shape of the model's output for one input, e.g. {@code [1, 1000]}. */
    public long[] outputShape() {
        long[] s = outputShape;
        if (s == null) {
            checkOpen();
            s = call(scope -> seam.forward(scope, scope.zeros(inputShape(1), seam.dataType())).getShape().getShape());
            outputShape = s;
        }
        return s.clone();
    }

    /** The number of classes (the size of the output's last axis). */
    public int numClasses() {
        long[] s = outputShape();
        return (int) s[s.length - 1];
    }

    /** Fails with a clear message when the model was closed. */
    public void checkOpen() {
        if (!seam.isOpen()) {
            throw closed(null);
        }
    }

    /**
     * Runs {@code work} in a fresh native scope that is closed afterwards (see {@link ModelSeam#call}): the way
     * every explanation reaches the model. Threads may share the model; closing the model lets running calls
     * finish and refuses new ones.
     *
     * @throws ModelClosedException naming this model when it was closed
     */
    public <T> T call(Function<NDManager, T> work) {
        try {
            return seam.call(work);
        } catch (ModelClosedException e) {
            throw closed(e);
        }
    }

    private ModelClosedException closed(ModelClosedException cause) {
        return new ModelClosedException("model '" + name + "' is closed; explain it before closing it, or load it"
                + " again", cause);
    }

    /** Pixels of an image file, resized and normalised, as a model input {@code (1, C, H, W)} in {@code scope}. */
    public NDArray toInput(NDManager scope, Path image) {
        return toInput(scope, List.of(Images.read(image)));
    }

    /** Pixels of DJL images, resized and normalised, as a batch {@code (N, C, H, W)} in {@code scope}. */
    public NDArray toInputFromDjl(NDManager scope, List<Image> images) {
        Objects.requireNonNull(images, "images was null; pass a list of DJL images");
        List<BufferedImage> list = new ArrayList<>(images.size());
        for (Image image : images) {
            if (image == null) {
                throw new NullPointerException("image " + list.size() + " was null; pass DJL images"
                        + " (ImageFactory.getInstance().fromFile(path) reads a file)");
            }
            Object wrapped = image.getWrappedImage();
            if (!(wrapped instanceof BufferedImage)) {
                throw new IllegalArgumentException("DJL image of type " + wrapped.getClass().getName()
                        + " is not supported; use the default BufferedImageFactory");
            }
            list.add((BufferedImage) wrapped);
        }
        return toInput(scope, list);
    }

    /**
     * Pixels of images, resized to the input size and normalised, as a batch {@code (N, C, H, W)}. The first call
     * runs the model once on an input of the spec's shape, so that a model that does not record its input shape
     * and rejects the spec's fails with a message naming the spec.
     *
     * @throws NullPointerException naming a null image by its index
     * @throws IllegalArgumentException when the list is empty or the model rejects the spec's shape
     */
    public NDArray toInput(NDManager scope, List<BufferedImage> images) {
        float[] batch = toInputValues(images);
        InputChecks.firstPass(this::outputShape, spec, name);
        return HeapArrays.create(scope, batch, inputShape(images.size())).toType(seam.dataType(), false);
    }

    /**
     * The values of {@link #toInput(NDManager, List) toInput} on the heap: images resized and normalised, image
     * after image, {@code C×H×W} each. Touches no native memory, so any thread may prepare the next batch while
     * the model runs.
     *
     * @throws NullPointerException naming a null image by its index
     * @throws IllegalArgumentException when the list is empty
     */
    public float[] toInputValues(List<BufferedImage> images) {
        Objects.requireNonNull(images, "images was null; pass a list of images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images were given; expected at least one");
        }
        for (int n = 0; n < images.size(); n++) {
            if (images.get(n) == null) {
                throw new NullPointerException("image " + n + " was null; pass decoded images (Images.read(path)"
                        + " reads a file)");
            }
        }
        int c = spec.channels();
        int plane = spec.height() * spec.width();
        float[] batch = new float[images.size() * c * plane];
        for (int n = 0; n < images.size(); n++) {
            float[] chw = spec.pixels(images.get(n));
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < plane; i++) {
                    batch[(n * c + ch) * plane + i] = spec.normalize(ch, chw[ch * plane + i]);
                }
            }
        }
        return batch;
    }

    /** A pixel-space {@code C×H×W} array (values in [0, 1]) normalised into a model input {@code (1, C, H, W)}. */
    public NDArray pixelsToInput(NDManager scope, float[] chw) {
        int c = spec.channels();
        int plane = spec.height() * spec.width();
        if (chw.length != c * plane) {
            throw new IllegalArgumentException("pixel array has " + chw.length + " values; expected " + c + "x"
                    + spec.height() + "x" + spec.width());
        }
        float[] out = new float[chw.length];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane; i++) {
                out[ch * plane + i] = spec.normalize(ch, chw[ch * plane + i]);
            }
        }
        return HeapArrays.create(scope, out, inputShape(1)).toType(seam.dataType(), false);
    }

    /**
     * A checked copy of a model input in {@code scope}, in the model's data type: shape {@code (N, C, H, W)} of
     * this spec with N ≥ 1, the model's engine, finite floating-point values within reach of normalised pixels.
     * The input itself is only read.
     *
     * <p>Per channel, pixels in [0, 1] normalise to {@code [(0 − mean)/std, (1 − mean)/std]}; values more than ten
     * widths of that range outside it are refused (for {@code InputSpec.rgb} without normalisation, values outside
     * [−10, 11]): they are almost always pixels in 0–255 that were not divided by 255. Noisy or slightly
     * out-of-range inputs pass. A model that takes 0–255 values is described with
     * {@code InputSpec.normalized(mean 0, std 1/255)}.
     *
     * @throws NullPointerException if the input is null
     * @throws IllegalArgumentException naming the value and what is expected (for a channels-last tensor, the
     *     transpose that fixes it)
     */
    public NDArray copyInput(NDManager scope, NDArray input) {
        Objects.requireNonNull(input, "input was null; pass a normalised batch (N, C, H, W), or images");
        String inputEngine = input.getManager().getEngine().getEngineName();
        if (!inputEngine.equals(engine())) {
            throw new IllegalArgumentException("input array lives on engine " + inputEngine + " but model '" + name
                    + "' runs on " + engine() + "; create the input with an NDManager of " + engine());
        }
        Shape s = input.getShape();
        InputChecks.tensorShape(s, spec);
        double[] values;
        if (input.getDataType() == DataType.FLOAT64) {
            values = input.toDoubleArray();
        } else if (input.getDataType() == DataType.FLOAT32) {
            float[] f = input.toFloatArray();
            values = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                values[i] = f[i];
            }
        } else {
            throw new IllegalArgumentException("input has data type " + input.getDataType()
                    + "; expected float32 or float64 values");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("input holds " + values[i] + " at flat index " + i
                        + "; expected finite values (check the image decoding and normalisation)");
            }
        }
        InputChecks.normalisedRange(values, spec);
        InputChecks.firstPass(this::outputShape, spec, name);
        NDArray copy = HeapArrays.create(scope, values, s);
        return seam.dataType() == DataType.FLOAT64 ? copy : copy.toType(seam.dataType(), false);
    }

    @Override
    public String toString() {
        return "ExplainableModel[" + name + " on " + engine() + ", " + spec + "]";
    }
}
