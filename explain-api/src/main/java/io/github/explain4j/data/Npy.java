package io.github.explain4j.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Float arrays in NumPy's {@code .npy} format (version 1.0, little-endian float32, C order), the format Python's
 * {@code numpy.load} reads: how attributions of a dataset are written, one file per image.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {}

    /**
     * An array read back: its values and shape.
     *
     * @param values the values in C order
     * @param shape the sizes
     */
    public record Array(float[] values, int[] shape) {}

    /**
     * Writes {@code values} with {@code shape}.
     *
     * @throws IllegalArgumentException when the shape does not hold the values
     */
    public static void write(Path file, float[] values, int... shape) throws IOException {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values but "
                    + values.length + " were given");
        }
        StringBuilder dims = new StringBuilder();
        for (int s : shape) {
            dims.append(s).append(", ");
        }
        String tuple = shape.length == 1 ? shape[0] + "," : dims.substring(0, Math.max(0, dims.length() - 2));
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + tuple + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer body = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(values);
        try (OutputStream raw = Files.newOutputStream(file);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            out.write(MAGIC);
            out.write(header.length() & 0xFF);
            out.write(header.length() >>> 8);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(body.array());
        }
    }

    /**
     * Reads a file written by {@link #write} (or by NumPy: float32, little-endian, C order, version 1.0).
     *
     * @throws IOException naming the file when it is not such an array
     */
    public static Array read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 10 || !Arrays.equals(Arrays.copyOf(all, 6), Arrays.copyOf(MAGIC, 6)) || all[6] != 1) {
            throw new IOException(file + " is not a version 1 .npy file");
        }
        int len = (all[8] & 0xFF) | (all[9] & 0xFF) << 8;
        String header = new String(all, 10, len, StandardCharsets.US_ASCII);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IOException(file + " holds " + header.strip() + "; expected little-endian float32 in C order");
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": no shape in header " + header.strip());
        }
        int[] shape = Arrays.stream(m.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        int start = 10 + len;
        if (all.length - start != n * 4) {
            throw new IOException(file + " holds " + (all.length - start) + " bytes of data for shape "
                    + Arrays.toString(shape) + "; the file is truncated");
        }
        float[] values = new float[n];
        ByteBuffer.wrap(all, start, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return new Array(values, shape);
    }
}
