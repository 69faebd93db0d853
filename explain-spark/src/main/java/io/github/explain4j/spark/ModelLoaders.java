package io.github.explain4j.spark;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.Block;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.torchscript.TorchScriptModels;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Ready {@link ModelLoader}s: the bundled ShapesNet, a TorchScript file, and a DJL model directory with the block
 * that reads it. The files must be at the same path on every executor (a shared file system, or shipped with
 * {@code spark-submit --files}/{@code --archives}); the engine's native libraries must be there too (see the
 * module's README recipe).
 */
public final class ModelLoaders {

    private ModelLoaders() {}

    /** An input spec made on the executor ({@link InputSpec} is not serialisable; its recipe is). */
    @FunctionalInterface
    public interface SpecFactory extends Serializable {
        /** The spec. */
        InputSpec spec();
    }

    /** A block made on the executor, the architecture whose parameters a model directory holds. */
    @FunctionalInterface
    public interface BlockFactory extends Serializable {
        /** A fresh, uninitialised block. */
        Block block();
    }

    /**
     * The trained ShapesNet bundled with explain-djl (64×64 RGB shapes) on {@code engine}, key
     * {@code "ShapesNet/" + engine}.
     *
     * @param engine {@code "PyTorch"} or {@code "MXNet"}
     */
    public static ModelLoader shapesNet(String engine) {
        String e = engine(engine);
        return ModelLoader.of("ShapesNet/" + e, () -> {
            Model m = ShapesNet.load(e);
            return LoadedModel.of(m, ShapesNet.explainable(m));
        });
    }

    /**
     * A TorchScript file loaded for gradients ({@link TorchScriptModels#load(Path)}), key
     * {@code "torchscript:" + file}.
     *
     * @param file the {@code .pt} file's path on the executors
     * @param spec the model's input
     */
    public static ModelLoader torchScript(String file, SpecFactory spec) {
        Objects.requireNonNull(file, "file was null; pass the .pt file's path on the executors");
        Objects.requireNonNull(spec, "spec was null; pass e.g. () -> InputSpec.rgb(224, 224).normalized(mean, std)");
        return ModelLoader.of("torchscript:" + file, () -> {
            Model m = TorchScriptModels.load(existing(file));
            try {
                return LoadedModel.of(m, ExplainableModel.of(m, spec.spec()));
            } catch (RuntimeException ex) {
                m.close();
                throw ex;
            }
        });
    }

    /**
     * A DJL model directory (written by {@code model.save(dir, name)}) read into {@code block}, key
     * {@code "djl:" + engine + ":" + dir + "#" + name}.
     *
     * @param dir the directory's path on the executors
     * @param name the model's name (its parameter file is {@code name-NNNN.params})
     * @param engine {@code "PyTorch"} or {@code "MXNet"}
     * @param block the architecture
     * @param spec the model's input
     */
    public static ModelLoader directory(String dir, String name, String engine, BlockFactory block,
            SpecFactory spec) {
        Objects.requireNonNull(dir, "dir was null; pass the model directory's path on the executors");
        Objects.requireNonNull(name, "name was null; pass the model's name as saved");
        Objects.requireNonNull(block, "block was null; pass a factory of the model's architecture");
        Objects.requireNonNull(spec, "spec was null; pass e.g. () -> InputSpec.rgb(224, 224).normalized(mean, std)");
        String e = engine(engine);
        return ModelLoader.of("djl:" + e + ":" + dir + "#" + name, () -> {
            Model m = Model.newInstance(name, Device.cpu(), e);
            try {
                m.setBlock(block.block());
                m.load(existing(dir), name);
                return LoadedModel.of(m, ExplainableModel.of(m, spec.spec()));
            } catch (Exception ex) {
                m.close();
                throw ex;
            }
        });
    }

    private static String engine(String engine) {
        Objects.requireNonNull(engine, "engine was null; pass \"PyTorch\" or \"MXNet\"");
        if (!engine.equals("PyTorch") && !engine.equals("MXNet")) {
            throw new IllegalArgumentException("engine was '" + engine + "'; pass \"PyTorch\" or \"MXNet\" (DJL's"
                    + " names)");
        }
        return engine;
    }

    private static Path existing(String path) throws java.io.FileNotFoundException {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            throw new java.io.FileNotFoundException(path + " does not exist on this executor; put the model at the"
                    + " same path on every executor (shared file system, or spark-submit --files/--archives)");
        }
        return p;
    }
}
