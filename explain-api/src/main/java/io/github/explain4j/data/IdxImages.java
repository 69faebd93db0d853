package io.github.explain4j.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

/**
 * Grey images in an IDX file of unsigned bytes, read one at a time (see {@link ImageSource#idx}). The format: a
 * big-endian magic number whose third byte is the element type ({@code 0x08}, unsigned byte) and whose fourth is
 * the number of dimensions, one 32-bit size per dimension, then the elements in row-major order.
 */
final class IdxImages implements ImageSource {

    private static final int UNSIGNED_BYTE = 0x08;

    private final Path images;
    private final Path labels;
    private final int count;
    private final int height;
    private final int width;

    private IdxImages(Path images, Path labels, int count, int height, int width) {
        this.images = images;
        this.labels = labels;
        this.count = count;
        this.height = height;
        this.width = width;
    }

    static IdxImages of(Path images, Path labels) {
        if (images == null) {
            throw new NullPointerException("IDX image file was null; pass e.g. t10k-images-idx3-ubyte.gz");
        }
        try (DataInputStream in = open(images)) {
            int[] dims = header(in, images, 3);
            if (labels != null) {
                try (DataInputStream l = open(labels)) {
                    int[] ld = header(l, labels, 1);
                    if (ld[0] != dims[0]) {
                        throw new IOException(images + " holds " + dims[0] + " images but " + labels + " holds "
                                + ld[0] + " labels; pass the label file of the same split");
                    }
                }
            }
            return new IdxImages(images, labels, dims[0], dims[1], dims[2]);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("IDX file " + file.toAbsolutePath() + " not found; pass the path of an IDX file"
                    + " (for Fashion-MNIST, `apt-get install dataset-fashion-mnist` puts both splits under"
                    + " /usr/share/datasets/fashion-mnist)");
        }
        InputStream raw = Files.newInputStream(file);
        InputStream body = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        return new DataInputStream(new BufferedInputStream(body, 1 << 16));
    }

    /** Reads the header of an unsigned-byte IDX file of {@code rank} dimensions; returns the sizes. */
    private static int[] header(DataInputStream in, Path file, int rank) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException("IDX file " + file + " is empty", e);
        }
        int type = (magic >>> 8) & 0xFF;
        int dims = magic & 0xFF;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dims != rank) {
            throw new IOException(String.format("%s: magic number was 0x%08x; expected 0x%08x (unsigned bytes, %d"
                    + " dimension(s)); %s", file, magic, (UNSIGNED_BYTE << 8) | rank, rank,
                    rank == 3 ? "pass the images file (idx3)" : "pass the labels file (idx1)"));
        }
        int[] sizes = new int[rank];
        for (int d = 0; d < rank; d++) {
            sizes[d] = in.readInt();
            if (sizes[d] <= 0) {
                throw new IOException(file + ": dimension " + d + " was " + sizes[d] + "; expected a positive size");
            }
        }
        return sizes;
    }

    @Override
    public long size() {
        return count;
    }

    @Override
    public String description() {
        return "IDX " + images.getFileName() + " (" + count + " " + height + "×" + width + (labels == null ? ""
                : ", labels " + labels.getFileName()) + ")";
    }

    @Override
    public Stream<DatasetItem> stream(long first) {
        Sources.checkFirst(first);
        long start = Math.min(first, count);
        DataInputStream in;
        DataInputStream lab = null;
        try {
            in = open(images);
            try {
                header(in, images, 3);
                in.skipNBytes(start * height * width);
                if (labels != null) {
                    lab = open(labels);
                    header(lab, labels, 1);
                    lab.skipNBytes(start);
                }
            } catch (IOException | RuntimeException e) {
                in.close();
                if (lab != null) {
                    lab.close();
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        DataInputStream labelIn = lab;
        Iterator<DatasetItem> items = new Iterator<>() {
            private long index = start;

            @Override
            public boolean hasNext() {
                return index < count;
            }

            @Override
            public DatasetItem next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
                int label = DatasetItem.UNLABELLED;
                try {
                    in.readFully(pixels);
                    if (labelIn != null) {
                        label = labelIn.readUnsignedByte();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(images + ": image " + index + " could not be read (" + e
                            + "); the file ends before its " + count + " images", e);
                }
                long i = index++;
                return new DatasetItem(i, image, label, "idx:" + i);
            }
        };
        return StreamSupport.stream(Spliterators.spliterator(items, count - start, Spliterator.ORDERED), false)
                .onClose(() -> {
                    try {
                        in.close();
                        if (labelIn != null) {
                            labelIn.close();
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
