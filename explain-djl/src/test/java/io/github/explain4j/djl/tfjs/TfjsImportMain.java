package io.github.explain4j.djl.tfjs;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The Java half of {@code tools/import-tfjs.sh} (test scope, so that the engines are on the class path).
 *
 * <pre>
 * import EMOTION_JSON MOBILENET_JSON MODELS_DIR   convert both TF.js models into MODELS_DIR/{emotion,mobilenet_v2}
 * inputs REPO_ROOT OUT_DIR                        write the golden-test input tensors (NHWC float32) for TF.js
 * </pre>
 */
public final class TfjsImportMain {

    static final List<String> EMOTION_LABELS =
            List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");
    static final List<String> NSFWJS_LABELS = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");

    private TfjsImportMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("import")) {
            convert(Path.of(args[1]), Path.of(args[3]).resolve(TfjsModels.EMOTION), EMOTION_LABELS);
            convert(Path.of(args[2]), Path.of(args[3]).resolve(TfjsModels.MOBILENET_V2), NSFWJS_LABELS);
        } else if (args.length == 3 && args[0].equals("inputs")) {
            writeInputs(Path.of(args[1]), Path.of(args[2]));
        } else {
            System.err.println("usage: import EMOTION_JSON MOBILENET_JSON MODELS_DIR | inputs REPO_ROOT OUT_DIR");
            System.exit(2);
        }
    }

    private static void convert(Path modelJson, Path dir, List<String> labels) throws IOException {
        TfjsNetwork net = TfjsImporter.read(modelJson);
        String name = dir.getFileName().toString();
        TfjsModels.save(net, dir, name, "PyTorch");
        Files.copy(modelJson, dir.resolve(TfjsModels.TOPOLOGY_FILE), StandardCopyOption.REPLACE_EXISTING);
        Files.write(dir.resolve(TfjsModels.LABELS_FILE), labels, StandardCharsets.UTF_8);
        System.out.printf("%s: %s -> %s, input %s, output %s, %d bytes of parameters%n", name, modelJson, dir,
                net.inputShape(), net.outputShape(), Files.size(dir.resolve(name + "-0000.params")));
    }

    private static void writeInputs(Path repoRoot, Path out) throws IOException {
        Files.createDirectories(out);
        JsonArray cases = new JsonArray();
        for (TfjsGoldenCases.Case c : TfjsGoldenCases.CASES) {
            byte[] bytes = c.nhwcBytes(repoRoot);
            String file = c.model() + "-" + c.name() + ".f32";
            Files.write(out.resolve(file), bytes);
            long[] s = c.shape();
            JsonObject o = new JsonObject();
            o.addProperty("model", c.model());
            o.addProperty("name", c.name());
            o.addProperty("image", "assets/images/" + c.image());
            if (c.crop() != null) {
                JsonArray crop = new JsonArray();
                crop.add(c.crop().x);
                crop.add(c.crop().y);
                crop.add(c.crop().width);
                crop.add(c.crop().height);
                o.add("crop_xywh", crop);
            }
            JsonArray shape = new JsonArray();
            for (long d : new long[] {s[0], s[2], s[3], s[1]}) {
                shape.add(d);
            }
            o.add("shape_nhwc", shape);
            o.addProperty("file", file);
            o.addProperty("sha256", TfjsGoldenCases.sha256(bytes));
            cases.add(o);
        }
        Files.writeString(out.resolve("inputs.json"), new GsonBuilder().setPrettyPrinting().create().toJson(cases));
        System.out.println("wrote " + cases.size() + " inputs to " + out);
    }
}
