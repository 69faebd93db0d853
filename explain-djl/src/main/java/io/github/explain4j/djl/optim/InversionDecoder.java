package io.github.explain4j.djl.optim;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The up-convolutional decoder of {@link LearnedInversion} (A. Dosovitskiy, T. Brox, "Inverting Visual
 * Representations with Convolutional Networks", CVPR 2016): a small network trained to map one layer's features of
 * one model back to the images they came from. It knows the model and the layer it was trained for, and refuses
 * others.
 *
 * <pre>
 * conv 3×3 (C_layer → k), LeakyReLU 0.2
 * n × [ upsample ×2 (nearest), conv 3×3 (k → k), LeakyReLU 0.2 ]      n = log₂(H / H_layer)
 * conv 3×3 (k → k), LeakyReLU 0.2
 * conv 3×3 (k → C_image), sigmoid                                      pixels in [0, 1]
 * </pre>
 *
 * An up-convolution here is the paper's unpooling followed by a convolution (nearest-neighbour upsampling, which
 * runs and differentiates alike on every engine). The layer's spatial size must divide the image's by a power of
 * two.
 *
 * <p>Stored as a DJL {@code .params} file (DJL's own format, loadable on every engine) whose properties name the
 * model, the layer, the shapes and the width; {@link #load} reads them first and builds the matching network. The
 * decoder owns a DJL model on one engine: close it.
 */
public final class InversionDecoder implements AutoCloseable {

    /** Property: the name of the model whose features the decoder inverts ({@code ExplainableModel.name()}). */
    public static final String MODEL = "explain4j.inversion.model";
    /** Property: the layer, as the model's seam resolves it. */
    public static final String LAYER = "explain4j.inversion.layer";
    /** Property: the layer's feature shape of one image, {@code C,H,W}. */
    public static final String FEATURES = "explain4j.inversion.features";
    /** Property: the image shape, {@code C,H,W}. */
    public static final String IMAGE = "explain4j.inversion.image";
    /** Property: the decoder's width k. */
    public static final String WIDTH = "explain4j.inversion.width";

    private static final float SLOPE = 0.2f;

    private final Model model;
    private final String modelName;
    private final String layer;
    private final Shape features;
    private final Shape image;
    private final int width;

    private InversionDecoder(Model model, String modelName, String layer, Shape features, Shape image, int width) {
        this.model = model;
        this.modelName = modelName;
        this.layer = layer;
        this.features = features;
        this.image = image;
        this.width = width;
    }

    /**
     * The network, uninitialised.
     *
     * @param features the layer's feature shape of one image, {@code (C, H, W)}
     * @param image the image shape, {@code (C, H, W)}
     * @param width the decoder's number of channels k
     */
    public static SequentialBlock architecture(Shape features, Shape image, int width) {
        int ups = upsamplings(features, image);
        if (width < 1) {
            throw new IllegalArgumentException("width was " + width + "; expected 1 or more channels");
        }
        SequentialBlock net = new SequentialBlock();
        net.add(conv(width)).add(Activation.leakyReluBlock(SLOPE));
        for (int i = 0; i < ups; i++) {
            net.add(new LambdaBlock(x -> new NDList(x.singletonOrThrow().repeat(2, 2).repeat(3, 2)), "upsample"));
            net.add(conv(width)).add(Activation.leakyReluBlock(SLOPE));
        }
        net.add(conv(width)).add(Activation.leakyReluBlock(SLOPE));
        net.add(conv((int) image.get(0))).add(Activation.sigmoidBlock());
        return net;
    }

    /** {@code log₂} of the image side over the layer's, or an exception when it is not a power of two. */
    static int upsamplings(Shape features, Shape image) {
        if (features.dimension() != 3 || image.dimension() != 3) {
            throw new IllegalArgumentException("feature shape " + features + " and image shape " + image + " must"
                    + " be (C, H, W); a decoder inverts spatial feature maps");
        }
        long fh = features.get(1);
        long fw = features.get(2);
        long h = image.get(1);
        long w = image.get(2);
        for (int n = 0; n <= 10; n++) {
            if (fh << n == h && fw << n == w) {
                return n;
            }
        }
        throw new IllegalArgumentException("the layer's " + fh + "×" + fw + " feature map does not grow to the "
                + h + "×" + w + " image by doubling; pick a layer whose side divides the image's by a power of two");
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters)
                .build();
    }

    /**
     * A new decoder with uninitialised parameters on {@code engine}, for training (initialise it with a trainer).
     *
     * @param modelName the name of the model whose features it inverts
     * @param layer the layer, as the model's seam resolves it
     */
    public static InversionDecoder create(String engine, String modelName, String layer, Shape features, Shape image,
            int width) {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(layer, "layer");
        SequentialBlock block = architecture(features, image, width);
        Model m = Model.newInstance("inversion-decoder", engine);
        m.setBlock(block);
        m.setProperty(MODEL, modelName);
        m.setProperty(LAYER, layer);
        m.setProperty(FEATURES, encode(features));
        m.setProperty(IMAGE, encode(image));
        m.setProperty(WIDTH, String.valueOf(width));
        return new InversionDecoder(m, modelName, layer, features, image, width);
    }

    /**
     * Loads a decoder saved by {@link #save} on {@code engine} ({@code "PyTorch"} or {@code "MXNet"}).
     *
     * @param file the {@code .params} file
     * @throws IOException if the file cannot be read, or is not a decoder's
     */
    public static InversionDecoder load(Path file, String engine) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new IOException(file.toAbsolutePath() + " is not a file; pass a decoder's .params file (trained by"
                    + " the samples program InversionTrainer)");
        }
        Map<String, String> p = properties(file);
        for (String key : new String[] {MODEL, LAYER, FEATURES, IMAGE, WIDTH}) {
            if (!p.containsKey(key)) {
                throw new IOException(file + " has no property " + key + "; it is not an inversion decoder");
            }
        }
        Shape features = decode(p.get(FEATURES));
        Shape image = decode(p.get(IMAGE));
        int width = Integer.parseInt(p.get(WIDTH));
        SequentialBlock block = architecture(features, image, width);
        Model m = Model.newInstance("inversion-decoder", engine);
        try {
            m.setBlock(block);
            block.initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(features));
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                skipHeader(in);
                block.loadParameters(m.getNDManager(), in);
            }
            p.forEach(m::setProperty);
            return new InversionDecoder(m, p.get(MODEL), p.get(LAYER), features, image, width);
        } catch (MalformedModelException e) {
            m.close();
            throw new IOException(file + " does not hold the parameters its properties describe", e);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The properties stored in a DJL {@code .params} file's header (DJL's {@code BaseModel.save} format). */
    public static Map<String, String> properties(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return skipHeader(in);
        }
    }

    /** Reads a DJL parameter file's header up to the block's parameters; returns its properties. */
    private static Map<String, String> skipHeader(DataInputStream in) throws IOException {
        byte[] magic = new byte[4];
        in.readFully(magic);
        if (!"DJL@".equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new IOException("not a DJL parameter file (no DJL@ header)");
        }
        int version = in.readInt();
        if (version != 1) {
            throw new IOException("DJL parameter file version " + version + " is not supported; expected 1");
        }
        in.readUTF(); // model name
        in.readUTF(); // data type
        int inputs = in.readInt();
        for (int i = 0; i < inputs; i++) {
            in.readUTF();
            Shape.decode(in);
        }
        int count = in.readInt();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            out.put(in.readUTF(), in.readUTF());
        }
        return out;
    }

    /**
     * Saves the decoder as {@code dir/name-0000.params} (replacing a file of that name), with its properties and
     * {@code extra} ones (e.g. how it was trained).
     */
    public Path save(Path dir, String name, Map<String, String> extra) throws IOException {
        extra.forEach(model::setProperty);
        model.setProperty("Epoch", "0");
        Files.createDirectories(dir);
        Path file = dir.resolve(name + "-0000.params");
        Files.deleteIfExists(file);
        model.save(dir, name);
        return file;
    }

    /**
     * The decoded images {@code (N, C, H, W)} of features {@code (N, C_layer, H_layer, W_layer)}, in inference mode,
     * in the features' manager.
     */
    public NDArray decode(NDArray featureMaps) {
        Shape s = featureMaps.getShape();
        if (s.dimension() != 4 || !s.slice(1).equals(features)) {
            throw new IllegalArgumentException("features of shape " + s + " do not fit this decoder, which takes (N, "
                    + features.toString().replaceAll("[()]", "") + ") from layer '" + layer + "' of " + modelName);
        }
        NDManager m = featureMaps.getManager();
        NDArray out = model.getBlock().forward(new ParameterStore(m, false), new NDList(featureMaps), false)
                .singletonOrThrow();
        out.attach(m);
        return out;
    }

    /** The DJL model holding the network (for training). */
    public Model model() {
        return model;
    }

    /** The name of the model whose features this decoder inverts. */
    public String modelName() {
        return modelName;
    }

    /** The layer it inverts, as the model's seam resolves it. */
    public String layer() {
        return layer;
    }

    /** The layer's feature shape of one image, {@code (C, H, W)}. */
    public Shape featureShape() {
        return features;
    }

    /** The image shape, {@code (C, H, W)}. */
    public Shape imageShape() {
        return image;
    }

    /** The engine the decoder runs on. */
    public String engine() {
        return model.getNDManager().getEngine().getEngineName();
    }

    /** The decoder's width k. */
    public int width() {
        return width;
    }

    private static String encode(Shape s) {
        StringBuilder sb = new StringBuilder();
        for (long d : s.getShape()) {
            sb.append(sb.length() == 0 ? "" : ",").append(d);
        }
        return sb.toString();
    }

    private static Shape decode(String text) {
        return new Shape(Arrays.stream(text.split(",")).mapToLong(Long::parseLong).toArray());
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "decoder of %s at %s, %s → %s, width %d, on %s", modelName, layer, features,
                image, width, engine());
    }
}
