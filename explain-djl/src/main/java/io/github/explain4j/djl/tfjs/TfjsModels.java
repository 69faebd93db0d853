package io.github.explain4j.djl.tfjs;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the converted TF.js models that explain4j ships under {@code models/} in its repository, on a chosen DJL
 * engine. Nothing is downloaded.
 *
 * <pre>{@code
 * Path models = Path.of("models");                         // the repository's models/ folder
 * try (Model emotion = TfjsModels.emotion(models, "PyTorch");
 *      NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
 *     float[] face = TfjsPreprocessing.emotionInput(image, new Rectangle(150, 20, 140, 140));
 *     NDArray x = manager.create(face, new Shape(1, 1, 64, 64));
 *     NDArray p = emotion.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false).head();
 *     String label = TfjsModels.labels(emotion).get((int) p.argMax().getLong());   // "happy"
 * }
 * }</pre>
 *
 * <p>A model folder holds {@code model.json} (the TF.js topology, its weights manifest naming shards that are not
 * shipped), {@code <folder>-0000.params} (the weights in DJL's engine-neutral format), {@code synset.txt} (class
 * names, one a line) and the model's licence.
 */
public final class TfjsModels {

    /** The emotion classifier's folder name. */
    public static final String EMOTION = "emotion";

    /** The MobileNetV2 folder name. */
    public static final String MOBILENET_V2 = "mobilenet_v2";

    /** File name of the TF.js topology in a model folder. */
    public static final String TOPOLOGY_FILE = "model.json";

    /** File name of the class names in a model folder. */
    public static final String LABELS_FILE = "synset.txt";

    private TfjsModels() {}

    /**
     * The mini-Xception emotion classifier of {@code @vladmandic/human} 3.3.6: input (N, 1, 64, 64), a grey face
     * scaled to [−1, 1] ({@link TfjsPreprocessing#emotionInput}); output (N, 7) softmax probabilities of
     * {@code angry, disgust, fear, happy, sad, surprise, neutral}. The last block, {@code predictions}, is the
     * softmax; the convolution before the global average, {@code conv2d_5}, gives the class maps.
     *
     * @param modelsRoot the folder holding {@code emotion/}
     * @param engine {@code "PyTorch"} or {@code "MXNet"}
     * @return a model the caller closes
     * @throws IOException if the files cannot be read
     * @throws MalformedModelException if the parameters do not match the topology
     */
    public static Model emotion(Path modelsRoot, String engine) throws IOException, MalformedModelException {
        return load(modelsRoot.resolve(EMOTION), engine);
    }

    /**
     * The Keras MobileNetV2 of {@code nsfwjs} 4.3.0: input (N, 3, 224, 224), RGB in [0, 1]
     * ({@link TfjsPreprocessing#mobileNetV2Input}); output (N, 5) softmax over nsfwjs' classes. Its layers up to
     * {@code block_10} are stock ImageNet weights, so use it as an ImageNet feature backbone; layers keep their
     * Keras names ({@code block_3_expand}, {@code out_relu}, ...).
     *
     * @param modelsRoot the folder holding {@code mobilenet_v2/}
     * @param engine {@code "PyTorch"} or {@code "MXNet"}
     * @return a model the caller closes
     * @throws IOException if the files cannot be read
     * @throws MalformedModelException if the parameters do not match the topology
     */
    public static Model mobileNetV2(Path modelsRoot, String engine) throws IOException, MalformedModelException {
        return load(modelsRoot.resolve(MOBILENET_V2), engine);
    }

    /**
     * Loads a converted model folder: rebuilds the block tree from {@code model.json} and loads
     * {@code <folder name>-NNNN.params} into it.
     *
     * @param modelDir the model folder
     * @param engine the DJL engine name
     * @return a model the caller closes
     * @throws IOException if the files cannot be read
     * @throws MalformedModelException if the parameters do not match the topology
     */
    public static Model load(Path modelDir, String engine) throws IOException, MalformedModelException {
        Path topology = modelDir.resolve(TOPOLOGY_FILE);
        if (!Files.isRegularFile(topology)) {
            throw new IOException("no " + TOPOLOGY_FILE + " in " + modelDir.toAbsolutePath());
        }
        String name = modelDir.toAbsolutePath().normalize().getFileName().toString();
        return TfjsImporter.readTopology(topology).loadModel(modelDir, name, engine);
    }

    /**
     * The class names of a model loaded from a model folder.
     *
     * @param model a model returned by this class
     * @return the names in output order
     * @throws IOException if {@code synset.txt} cannot be read
     */
    public static List<String> labels(Model model) throws IOException {
        Path file = model.getModelPath().resolve(LABELS_FILE);
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Saves a network with weights as a model folder: {@code <name>-0000.params} in DJL's format, with the
     * topology fingerprint as a model property. The caller copies {@code model.json} and the labels next to it.
     *
     * @param network a network read with weights
     * @param dir the model folder to write into
     * @param name the model name (the folder's name, so that {@link #load(Path, String)} finds the file)
     * @param engine the engine used to write the file; the file loads on every engine
     * @throws IOException if writing fails
     */
    public static void save(TfjsNetwork network, Path dir, String name, String engine) throws IOException {
        Files.createDirectories(dir);
        try (Model model = network.toModel(name, engine)) {
            model.setProperty(TfjsNetwork.TOPOLOGY_PROPERTY, network.fingerprint());
            model.setProperty("Epoch", "0"); // always <name>-0000.params, overwritten on re-import
            model.save(dir, name);
        }
    }
}
