package io.github.explain4j.djl.tfjs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a TF.js model ({@code model.json} and its weight shards) and translates it into a DJL block tree.
 *
 * <pre>{@code
 * TfjsNetwork net = TfjsImporter.read(Path.of("emotion.json"));      // shards next to the json
 * try (Model model = net.toModel("emotion", "PyTorch")) {
 *     model.save(Path.of("models/emotion"), "emotion");
 * }
 * }</pre>
 *
 * <p>Both TF.js formats are read, for the ops and layers that the TF.js models shipped with explain4j use (a
 * mini-Xception graph model and a Keras MobileNetV2 layers model); see {@link GraphModelReader} and
 * {@link LayersModelReader} for the lists. Anything else fails with a {@link TfjsImportException} naming the op or
 * layer. Weights may be {@code float32} or {@code uint8}/{@code uint16}-quantised ({@code w = q·scale + min}).
 */
public final class TfjsImporter {

    private TfjsImporter() {}

    /**
     * Reads a model and its weights; the shard files named in the weights manifest are resolved next to
     * {@code modelJson}.
     *
     * @param modelJson the TF.js {@code model.json}
     * @return the translated network with weights
     * @throws TfjsImportException if a file is missing or malformed, or the model uses something unsupported
     */
    public static TfjsNetwork read(Path modelJson) {
        return parse(readJson(modelJson), modelJson.toAbsolutePath().getParent(), modelJson.toString());
    }

    /**
     * Reads only the topology of a model (weight shapes, not values): enough to rebuild the block tree into which
     * a DJL parameter file is loaded.
     *
     * @param modelJson the TF.js {@code model.json}
     * @return the translated network without weights
     */
    public static TfjsNetwork readTopology(Path modelJson) {
        return parse(readJson(modelJson), null, modelJson.toString());
    }

    /**
     * Translates a parsed {@code model.json}.
     *
     * @param model the parsed {@code model.json}
     * @param shardDir where the weight shards are, or null for the topology only
     * @param source a description of where the json came from, for messages
     * @return the translated network
     */
    static TfjsNetwork parse(JsonObject model, Path shardDir, String source) {
        if (!model.has("modelTopology")) {
            throw new TfjsImportException(source + " has no modelTopology; is it a TF.js model.json?");
        }
        String format = format(model, source);
        TfjsWeights weights = TfjsWeights.read(model.getAsJsonArray("weightsManifest"), shardDir);
        NetGraph graph = format.equals("graph-model")
                ? new GraphModelReader(model, weights).read()
                : new LayersModelReader(model, weights).read();
        return new TfjsNetwork(graph, graph.buildTree(), shardDir != null, format);
    }

    private static String format(JsonObject model, String source) {
        if (model.has("format")) {
            String f = model.get("format").getAsString();
            if (f.equals("graph-model") || f.equals("layers-model")) {
                return f;
            }
            throw new TfjsImportException(source + " has format '" + f + "'; expected graph-model or layers-model");
        }
        JsonObject topology = model.getAsJsonObject("modelTopology");
        return topology.has("node") ? "graph-model" : "layers-model";
    }

    private static JsonObject readJson(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(reader).getAsJsonObject();
        } catch (IOException e) {
            throw new TfjsImportException("cannot read " + file + ": " + e, e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new TfjsImportException(file + " is not a JSON object: " + e.getMessage(), e);
        }
    }
}
