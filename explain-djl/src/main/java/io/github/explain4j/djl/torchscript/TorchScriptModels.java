package io.github.explain4j.djl.torchscript;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Loads TorchScript files ({@code torch.jit.script(model).save("model.pt")}) so that explain4j can explain them.
 * This class uses only DJL's engine-neutral API: it loads without the PyTorch engine on the class path, and then
 * says that the engine is missing.
 *
 * <pre>{@code
 * try (Model model = TorchScriptModels.load(Path.of("model.pt"))) {
 *     ExplainableModel m = ExplainableModel.of(model, InputSpec.rgb(224, 224).normalized(mean, std));
 *     Attribution saliency = Explainer.saliency(m, image);
 *     Attribution cam = Explainer.gradCam(m, image);    // needs forward_features / forward_head, see README
 * }
 * }</pre>
 */
public final class TorchScriptModels {

    /** DJL's name of the engine that runs TorchScript. */
    public static final String ENGINE = "PyTorch";

    private static final String PT_SYMBOL_BLOCK = "ai.djl.pytorch.engine.PtSymbolBlock";

    private TorchScriptModels() {}

    /**
     * Loads a TorchScript file on the CPU, ready for gradients (DJL option {@code trainParam=true}; the module
     * stays in the mode it was saved in, normally eval). The model's name is the file name without {@code .pt}.
     *
     * @param ptFile a file written by {@code torch.jit.save} or {@code ScriptModule.save}
     * @return a model the caller closes
     * @throws IOException if the file cannot be read
     * @throws MalformedModelException if DJL cannot load it
     * @throws IllegalStateException if the PyTorch engine is not on the class path
     */
    public static Model load(Path ptFile) throws IOException, MalformedModelException {
        return load(ptFile, Device.cpu());
    }

    /**
     * Loads a TorchScript file onto a device, ready for gradients (see {@link #load(Path)}).
     *
     * @param ptFile a file written by {@code torch.jit.save} or {@code ScriptModule.save}
     * @param device where the parameters go ({@code mapLocation=true})
     * @return a model the caller closes
     * @throws IOException if the file cannot be read
     * @throws MalformedModelException if DJL cannot load it
     * @throws IllegalStateException if the PyTorch engine is not on the class path
     */
    public static Model load(Path ptFile, Device device) throws IOException, MalformedModelException {
        Objects.requireNonNull(ptFile, "ptFile");
        Objects.requireNonNull(device, "device");
        if (!Files.isRegularFile(ptFile)) {
            throw new FileNotFoundException("TorchScript file " + ptFile.toAbsolutePath() + " does not exist or is"
                    + " not a file");
        }
        requireEngine();
        String file = ptFile.getFileName().toString();
        String name = file.endsWith(".pt") ? file.substring(0, file.length() - 3) : file;
        Model model = Model.newInstance(name, device, ENGINE);
        try {
            model.load(ptFile, null, Map.of("trainParam", "true", "mapLocation", "true"));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Whether a block is a TorchScript module ({@code ai.djl.pytorch.engine.PtSymbolBlock} or a subclass), told by
     * class name so that no PyTorch class is loaded to answer.
     */
    public static boolean isTorchScript(Block block) {
        for (Class<?> c = block == null ? null : block.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(PT_SYMBOL_BLOCK)) {
                return true;
            }
        }
        return false;
    }

    private static void requireEngine() {
        if (!Engine.hasEngine(ENGINE)) {
            throw new IllegalStateException("TorchScript runs on DJL's PyTorch engine, which is not on the class"
                    + " path (engines found: " + Engine.getAllEngines() + "); add ai.djl.pytorch:pytorch-engine and"
                    + " a native library such as ai.djl.pytorch:pytorch-native-cpu (with its platform classifier)"
                    + " and ai.djl.pytorch:pytorch-jni");
        }
    }
}
