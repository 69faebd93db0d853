package io.github.explain4j.samples.fashion;

import io.github.explain4j.data.ImageSource;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * One split of Fashion-MNIST read from its gzip-compressed IDX files, as in the original distribution: 28×28 grey
 * images as unsigned bytes and their labels 0–9.
 *
 * <p>The test split is committed under {@value #COMMITTED_DIR} at the repository root ({@link #committedDir()});
 * both splits come with the Debian package {@code dataset-fashion-mnist} ({@value #DEFAULT_DIR}).
 * {@link #locate(Split)} picks the directory to read.
 *
 * <p>The IDX format is a big-endian header (a magic number whose third byte is the element type, {@code 0x08}
 * for unsigned bytes, and whose fourth byte is the number of dimensions; then one 32-bit size per dimension)
 * followed by the elements in row-major order.
 */
public final class FashionMnist {

    /** Where the Debian package installs the dataset (both splits). */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

    /** Where the test split is committed, relative to the repository root. */
    public static final String COMMITTED_DIR = "data/fashion-mnist";

    /** The system property that names the dataset's directory, overriding every other place. */
    public static final String DIR_PROPERTY = "fashion.mnist.dir";

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
     * The committed copy of the test split: {@value #COMMITTED_DIR} in the working directory or the nearest of its
     * parents that holds the test split's two files.
     *
     * @return the directory, or empty when the working directory is not inside a clone of the repository
     */
    public static Optional<Path> committedDir() {
        return committedDir(Paths.get("").toAbsolutePath());
    }

    /** {@link #committedDir()} searched from {@code start} up. */
    static Optional<Path> committedDir(Path start) {
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(COMMITTED_DIR);
            if (holds(candidate, Split.TEST)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The directory to read a split from. When the system property {@value #DIR_PROPERTY} is set, its directory and
     * no other; otherwise the first of the committed copy ({@link #committedDir()}, which has the test split only)
     * and the Debian package's {@value #DEFAULT_DIR} that holds the split's two files.
     *
     * @param split which split
     * @return a directory holding {@link Split#imagesFile()} and {@link Split#labelsFile()}
     * @throws IOException if no such directory exists; the message names the places looked at and how to provide
     *     the files
     */
    public static Path locate(Split split) throws IOException {
        return locate(split, System.getProperty(DIR_PROPERTY), Paths.get(""), Paths.get(DEFAULT_DIR));
    }

    /**
     * {@link #locate(Split)} with its inputs given: the property's value (null when unset), the directory the
     * search for the committed copy starts from, and the Debian directory.
     */
    static Path locate(Split split, String property, Path start, Path debian) throws IOException {
        if (property != null) {
            Path dir = Paths.get(property);
            if (holds(dir, split)) {
                return dir;
            }
            throw new IOException("-D" + DIR_PROPERTY + "=" + property + " does not hold " + split.imagesFile()
                    + " and " + split.labelsFile() + " (looked in " + dir.toAbsolutePath() + "); point it at a"
                    + " directory that does, or unset it to use the committed " + COMMITTED_DIR + " (test split)"
                    + " or " + DEFAULT_DIR);
        }
        List<Path> looked = new ArrayList<>();
        Optional<Path> committed = committedDir(start);
        if (committed.isPresent() && holds(committed.get(), split)) {
            return committed.get();
        }
        looked.add(committed.orElse(start.toAbsolutePath().resolve(COMMITTED_DIR)));
        if (holds(debian, split)) {
            return debian;
        }
        looked.add(debian);
        String fix = split == Split.TEST
                ? "run from inside a clone of the repository (the test split is committed under " + COMMITTED_DIR
                        + "), install it with `apt-get install dataset-fashion-mnist` (Debian, MIT licence), or pass -D"
                        + DIR_PROPERTY + "=DIR"
                : "the " + split.name().toLowerCase(Locale.ROOT) + " split is not committed; install it"
                        + " with `apt-get install dataset-fashion-mnist` (Debian, MIT licence) or pass -D"
                        + DIR_PROPERTY + "=DIR";
        throw new IOException("Fashion-MNIST " + split.imagesFile() + " and " + split.labelsFile() + " not found in "
                + looked + "; " + fix);
    }

    private static boolean holds(Path dir, Split split) {
        return Files.isRegularFile(dir.resolve(split.imagesFile()))
                && Files.isRegularFile(dir.resolve(split.labelsFile()));
    }

    /**
     * A split as a streaming {@link ImageSource} (28×28 grey images with their labels, read one at a time), for
     * dataset passes: the split's two files in {@code dir}.
     *
     * @throws java.io.UncheckedIOException naming the file when one is missing or malformed
     */
    public static ImageSource source(Path dir, Split split) {
        return ImageSource.idx(dir.resolve(split.imagesFile()), dir.resolve(split.labelsFile()));
    }

    /**
     * {@link #source(Path, Split)} from the directory {@link #locate(Split)} finds.
     *
     * @throws IOException if no directory holds the split; the message names the places looked at
     */
    public static ImageSource source(Split split) throws IOException {
        return source(locate(split), split);
    }

    /**
     * Reads a whole split.
     *
     * @param dir the directory holding the split's two {@code .gz} files
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
     * @param dir the directory holding the split's two {@code .gz} files
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
