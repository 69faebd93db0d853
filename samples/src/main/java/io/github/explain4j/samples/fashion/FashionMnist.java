package io.github.explain4j.samples.fashion;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * One split of Fashion-MNIST read from the IDX files of the Debian package {@code dataset-fashion-mnist}
 * (gzip-compressed, as in the original distribution): 28×28 grey images as unsigned bytes and their labels 0–9.
 *
 * <p>The IDX format is a big-endian header (a magic number whose third byte is the element type, {@code 0x08}
 * for unsigned bytes, and whose fourth byte is the number of dimensions; then one 32-bit size per dimension)
 * followed by the elements in row-major order.
 */
public final class FashionMnist {

    /** Where the Debian package installs the dataset. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

    /** Image side in pixels. */
    public static final int SIDE = 28;

    /** The ten class names, indexed by label. */
    public static final String[] LABELS = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    };

    /** The two splits and their file names. */
    public enum Split {
        /** 60,000 training images. */
        TRAIN("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        /** 10,000 test images. */
        TEST("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

        private final String images;
        private final String labels;

        Split(String images, String labels) {
            this.images = images;
            this.labels = labels;
        }

        /** @return the image file's name */
        public String imagesFile() {
            return images;
        }

        /** @return the label file's name */
        public String labelsFile() {
            return labels;
        }
    }

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private final byte[] pixels;
    private final byte[] labels;

    private FashionMnist(byte[] pixels, byte[] labels) {
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Reads a whole split.
     *
     * @param dir the directory holding the four {@code .gz} files
     * @param split which split
     * @return the split
     * @throws IOException if a file is missing or malformed; a missing dataset is reported with the command that
     *     installs it
     */
    public static FashionMnist load(Path dir, Split split) throws IOException {
        return load(dir, split, Integer.MAX_VALUE);
    }

    /**
     * Reads the first {@code limit} examples of a split.
     *
     * @param dir the directory holding the four {@code .gz} files
     * @param split which split
     * @param limit how many examples at most
     * @return the split, or its first {@code limit} examples
     * @throws IOException if a file is missing or malformed
     */
    public static FashionMnist load(Path dir, Split split, int limit) throws IOException {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit was " + limit + "; expected a positive count");
        }
        Path imageFile = dir.resolve(split.imagesFile());
        Path labelFile = dir.resolve(split.labelsFile());
        for (Path p : new Path[] {imageFile, labelFile}) {
            if (!Files.isRegularFile(p)) {
                throw new IOException("Fashion-MNIST file " + p + " not found; install the dataset with"
                        + " `apt-get install dataset-fashion-mnist` (Debian, MIT licence) or pass the directory"
                        + " that holds " + split.imagesFile() + " and " + split.labelsFile());
            }
        }
        byte[] labels = read(labelFile, LABELS_MAGIC, new int[] {-1}, limit);
        byte[] pixels = read(imageFile, IMAGES_MAGIC, new int[] {-1, SIDE, SIDE}, limit);
        if (pixels.length != labels.length * SIDE * SIDE) {
            throw new IOException(imageFile + " holds " + pixels.length / (SIDE * SIDE) + " images but " + labelFile
                    + " holds " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= LABELS.length) {
                throw new IOException(labelFile + ": label " + labels[i] + " at index " + i + " is not in 0..9");
            }
        }
        return new FashionMnist(pixels, labels);
    }

    /** Reads an IDX file of unsigned bytes; {@code dims} gives the expected sizes, -1 where any size goes. */
    private static byte[] read(Path file, int magic, int[] dims, int limit) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(
                        new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16))) {
            int actualMagic = in.readInt();
            if (actualMagic != magic) {
                throw new IOException(String.format("%s: magic number was 0x%08x; expected 0x%08x (unsigned bytes,"
                        + " %d dimension(s))", file, actualMagic, magic, dims.length));
            }
            long perItem = 1;
            int count = 0;
            for (int d = 0; d < dims.length; d++) {
                int size = in.readInt();
                if (d == 0) {
                    count = size;
                } else {
                    if (size != dims[d]) {
                        throw new IOException(file + ": dimension " + d + " was " + size + "; expected " + dims[d]);
                    }
                    perItem *= size;
                }
            }
            int n = Math.min(count, limit);
            byte[] data = new byte[Math.toIntExact(n * perItem)];
            try {
                in.readFully(data);
            } catch (EOFException e) {
                throw new IOException(file + " ended before its " + count + " items", e);
            }
            return data;
        }
    }

    /** @return the number of examples */
    public int size() {
        return labels.length;
    }

    /**
     * The label of one example.
     *
     * @param index the example
     * @return its label, 0–9
     */
    public int label(int index) {
        return labels[index];
    }

    /**
     * The pixels of one example as stored: row-major unsigned bytes 0–255 (0 is the background).
     *
     * @param index the example
     * @return a copy of its 784 pixels
     */
    public byte[] pixels(int index) {
        byte[] out = new byte[SIDE * SIDE];
        System.arraycopy(pixels, index * SIDE * SIDE, out, 0, out.length);
        return out;
    }

    /**
     * Copies examples into a float buffer as the network's input expects them: pixel / 255, in [0, 1].
     *
     * @param indices which examples, in order
     * @param from the first position of {@code indices} to copy
     * @param count how many
     * @param dest receives {@code count × 784} floats, example after example
     */
    public void copyScaled(int[] indices, int from, int count, float[] dest) {
        int px = SIDE * SIDE;
        for (int i = 0; i < count; i++) {
            int src = indices[from + i] * px;
            int dst = i * px;
            for (int j = 0; j < px; j++) {
                dest[dst + j] = (pixels[src + j] & 0xFF) / 255f;
            }
        }
    }

    /**
     * The labels of examples.
     *
     * @param indices which examples, in order
     * @param from the first position of {@code indices} to copy
     * @param count how many
     * @param dest receives {@code count} labels
     */
    public void copyLabels(int[] indices, int from, int count, float[] dest) {
        for (int i = 0; i < count; i++) {
            dest[i] = labels[indices[from + i]];
        }
    }
}
