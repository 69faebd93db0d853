package io.github.explain4j.djl.tfjs;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a TF.js model: the {@code weightsManifest} of a {@code model.json} and its binary shards.
 *
 * <p>Each manifest group lists shard files whose concatenation holds the group's weights back to back,
 * little-endian, in manifest order. A weight is {@code float32} or {@code int32}, or quantised: stored as
 * {@code uint8}/{@code uint16} values {@code q} with {@code w = q·scale + min}. Without shards (topology only),
 * every weight has its shape but no values.
 */
final class TfjsWeights {

    /** One weight: its manifest name, TF shape and values (null when only the topology was read). */
    record Tensor(String name, int[] shape, float[] values) {

        long size() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        int dim(int i) {
            return shape[i];
        }

        boolean hasValues() {
            return values != null;
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    private final Map<String, Tensor> tensors;

    private TfjsWeights(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    /**
     * Reads the manifest, and the shards when {@code shardDir} is not null.
     *
     * @param manifest the {@code weightsManifest} array
     * @param shardDir the folder holding the shard files, or null to read shapes only
     */
    static TfjsWeights read(JsonArray manifest, Path shardDir) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (manifest == null) {
            return new TfjsWeights(out);
        }
        for (JsonElement groupElement : manifest) {
            JsonObject group = groupElement.getAsJsonObject();
            ByteBuffer data = shardDir == null ? null : readShards(group.getAsJsonArray("paths"), shardDir);
            for (JsonElement specElement : group.getAsJsonArray("weights")) {
                JsonObject spec = specElement.getAsJsonObject();
                Tensor tensor = decode(spec, data);
                out.put(tensor.name(), tensor);
            }
            if (data != null && data.hasRemaining()) {
                throw new TfjsImportException("weight shards " + group.get("paths") + " hold " + data.remaining()
                        + " bytes more than the manifest describes");
            }
        }
        return new TfjsWeights(out);
    }

    Tensor get(String name, String usedBy) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new TfjsImportException("weight '" + name + "' needed by '" + usedBy
                    + "' is not in the weights manifest");
        }
        return t;
    }

    boolean contains(String name) {
        return tensors.containsKey(name);
    }

    private static ByteBuffer readShards(JsonArray paths, Path dir) {
        try {
            byte[][] parts = new byte[paths.size()][];
            int total = 0;
            for (int i = 0; i < parts.length; i++) {
                parts[i] = Files.readAllBytes(dir.resolve(paths.get(i).getAsString()));
                total += parts[i].length;
            }
            ByteBuffer all = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            for (byte[] part : parts) {
                all.put(part);
            }
            all.flip();
            return all;
        } catch (IOException e) {
            throw new TfjsImportException("cannot read weight shards " + paths + " in " + dir + ": " + e, e);
        }
    }

    private static Tensor decode(JsonObject spec, ByteBuffer data) {
        String name = spec.get("name").getAsString();
        JsonArray dims = spec.getAsJsonArray("shape");
        int[] shape = new int[dims.size()];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i).getAsInt();
            size *= shape[i];
        }
        String dtype = spec.get("dtype").getAsString();
        if (!dtype.equals("float32") && !dtype.equals("int32")) {
            throw new TfjsImportException("weight '" + name + "' has dtype " + dtype
                    + "; only float32 and int32 weights are supported");
        }
        JsonObject quantization = spec.has("quantization") ? spec.getAsJsonObject("quantization") : null;
        String stored = quantization == null ? dtype : quantization.get("dtype").getAsString();
        if (quantization != null && !stored.equals("uint8") && !stored.equals("uint16")) {
            throw new TfjsImportException("weight '" + name + "' is quantised as " + stored
                    + "; only uint8 and uint16 quantisation are supported");
        }
        if (data == null) {
            return new Tensor(name, shape, null);
        }
        int n = Math.toIntExact(size);
        int bytesPerValue = stored.equals("uint8") ? 1 : stored.equals("uint16") ? 2 : 4;
        if (data.remaining() < (long) n * bytesPerValue) {
            throw new TfjsImportException("weight shards end inside weight '" + name + "' (needs " + n * bytesPerValue
                    + " bytes, " + data.remaining() + " left)");
        }
        float[] values = new float[n];
        if (quantization != null) {
            double scale = quantization.get("scale").getAsDouble();
            double min = quantization.get("min").getAsDouble();
            for (int i = 0; i < n; i++) {
                int q = stored.equals("uint8") ? Byte.toUnsignedInt(data.get()) : Short.toUnsignedInt(data.getShort());
                values[i] = (float) (q * scale + min);
            }
        } else if (dtype.equals("int32")) {
            for (int i = 0; i < n; i++) {
                values[i] = data.getInt();
            }
        } else {
            for (int i = 0; i < n; i++) {
                values[i] = data.getFloat();
            }
        }
        return new Tensor(name, shape, values);
    }
}
