package io.github.explain4j.djl.tfjs;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.github.explain4j.djl.blocks.NamedSequentialBlock;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A TF.js model translated into a DJL block tree, with or without its weights.
 *
 * <p>The block takes NCHW input of {@link #inputShape()} (TF.js takes NHWC: transpose with
 * {@code x.transpose(0, 3, 1, 2)}) and computes what the TF.js model computes. With weights (read from the
 * shards), {@link #toModel(String, String)} gives a ready model; a topology-only network gets its parameters from a
 * DJL {@code .params} file with {@link #loadModel(Path, String, String)}.
 */
public final class TfjsNetwork {

    private final NamedSequentialBlock block;
    private final Shape inputShape;
    private final Shape outputShape;
    private final List<NetGraph.Assignment> assignments;
    private final boolean hasWeights;
    private final String format;

    TfjsNetwork(NetGraph graph, NamedSequentialBlock block, boolean hasWeights, String format) {
        this.block = block;
        this.inputShape = graph.inputDims().toShape(1);
        this.outputShape = graph.outputDims().toShape(1);
        this.assignments = List.copyOf(graph.assignments());
        this.hasWeights = hasWeights;
        this.format = format;
    }

    /** The block tree; its children are named after the TF.js layers. */
    public NamedSequentialBlock block() {
        return block;
    }

    /** The NCHW input shape with batch size 1, for example {@code (1, 1, 64, 64)}. */
    public Shape inputShape() {
        return inputShape;
    }

    /** The output shape with batch size 1, for example {@code (1, 7)}. */
    public Shape outputShape() {
        return outputShape;
    }

    /** Whether the weights were read, so that {@link #toModel(String, String)} can be used. */
    public boolean hasWeights() {
        return hasWeights;
    }

    /** {@code graph-model} or {@code layers-model}. */
    public String format() {
        return format;
    }

    /**
     * Creates a model on {@code engine} whose block is initialised with the TF.js weights.
     *
     * @param name the model name
     * @param engine the DJL engine name, for example {@code "PyTorch"} or {@code "MXNet"}
     * @return a model the caller closes
     * @throws IllegalStateException if the network was read without weights
     */
    public Model toModel(String name, String engine) {
        if (!hasWeights) {
            throw new IllegalStateException("network '" + name + "' was read without weights; use loadModel with a "
                    + ".params file");
        }
        Model model = Model.newInstance(name, engine);
        try {
            model.setBlock(block);
            initialize(model.getNDManager());
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Creates a model on {@code engine} and loads this network's parameters from {@code <dir>/<name>-NNNN.params}
     * (DJL's format, written by {@link Model#save(Path, String)}).
     *
     * @param dir the folder holding the parameter file
     * @param name the model name, the prefix of the parameter file
     * @param engine the DJL engine name
     * @return a model the caller closes
     * @throws IOException if the file cannot be read
     * @throws MalformedModelException if the file does not match this network
     */
    public Model loadModel(Path dir, String name, String engine) throws IOException, MalformedModelException {
        Model model = Model.newInstance(name, engine);
        try {
            model.setBlock(block);
            model.load(dir, name);
            String expected = model.getProperty(TOPOLOGY_PROPERTY);
            if (expected != null && !expected.equals(fingerprint())) {
                throw new MalformedModelException("parameters in " + dir + " were saved for another network ("
                        + TOPOLOGY_PROPERTY + " " + expected + ", this network " + fingerprint() + ")");
            }
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Model property holding {@link #fingerprint()} in saved parameter files. */
    public static final String TOPOLOGY_PROPERTY = "explain4j.tfjs.topology";

    /**
     * A short hash of the block tree (child names and block classes): equal for networks with the same
     * structure, so that a parameter file can be checked against the topology it is loaded into.
     */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder();
        describe(block, "", sb);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void describe(Block b, String path, StringBuilder sb) {
        sb.append(path).append(':').append(b.getClass().getSimpleName()).append('\n');
        for (var child : b.getChildren()) {
            describe(child.getValue(), path + "/" + child.getKey(), sb);
        }
    }

    /**
     * Initialises the block on {@code manager} for {@link #inputShape()} and copies the TF.js weights into its
     * parameters.
     */
    void initialize(NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, inputShape);
        for (NetGraph.Assignment a : assignments) {
            Parameter p = a.block().getParameters().get(a.parameter());
            Objects.requireNonNull(p, () -> "no parameter " + a.parameter() + " for " + a.source());
            NDArray array = p.getArray();
            if (!array.getShape().equals(a.shape())) {
                throw new TfjsImportException("weight '" + a.source() + "' converts to shape " + a.shape()
                        + " but the DJL parameter has shape " + array.getShape());
            }
            array.set(FloatBuffer.wrap(a.values()));
        }
    }
}
