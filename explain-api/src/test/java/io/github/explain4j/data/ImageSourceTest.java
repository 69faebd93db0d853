package io.github.explain4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sources read what was written: IDX files written here byte by byte (raw and gzip), folders of PNGs with and
 * without class sub-folders, lists and one-shot iterables; each streams from any index with the right indices and
 * labels, and bad files are refused with messages naming them.
 */
class ImageSourceTest {

    /** Writes an IDX file of unsigned bytes with the given sizes and payload. */
    private static void idx(Path file, int[] dims, byte[] payload, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream body = gzip ? new GZIPOutputStream(raw) : raw;
                DataOutputStream out = new DataOutputStream(body)) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(payload);
        }
    }

    private static List<DatasetItem> all(ImageSource s, long first) {
        try (Stream<DatasetItem> stream = s.stream(first)) {
            return stream.toList();
        }
    }

    @Test
    void idxFilesGiveTheirPixelsAndLabelsFromAnyIndex(@TempDir Path dir) throws IOException {
        int n = 5;
        int h = 3;
        int w = 4;
        byte[] pixels = new byte[n * h * w];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        byte[] labels = {9, 0, 3, 3, 1};
        for (boolean gzip : new boolean[] {true, false}) {
            Path images = dir.resolve("images" + gzip + (gzip ? ".gz" : ""));
            Path labelFile = dir.resolve("labels" + gzip + (gzip ? ".gz" : ""));
            idx(images, new int[] {n, h, w}, pixels, gzip);
            idx(labelFile, new int[] {n}, labels, gzip);
            ImageSource s = ImageSource.idx(images, labelFile);
            assertEquals(n, s.size());
            List<DatasetItem> items = all(s, 2);
            assertEquals(3, items.size());
            for (DatasetItem item : items) {
                int i = (int) item.index();
                assertEquals(labels[i], item.label());
                assertEquals(w, item.image().getWidth());
                assertEquals(h, item.image().getHeight());
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int expected = pixels[(i * h + y) * w + x] & 0xFF;
                        assertEquals(expected, item.image().getRaster().getSample(x, y, 0), "pixel " + i + "," + y
                                + "," + x);
                    }
                }
            }
            assertEquals(List.of(), all(s, 9));
            assertEquals(-1, all(ImageSource.idx(images, null), 0).get(0).label());
        }
    }

    @Test
    void badIdxFilesAreRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path images = dir.resolve("i.idx");
        Path labels = dir.resolve("l.idx");
        idx(images, new int[] {4, 2, 2}, new byte[16], false);
        idx(labels, new int[] {3}, new byte[3], false);
        UncheckedIOException count = assertThrows(UncheckedIOException.class, () -> ImageSource.idx(images, labels));
        assertTrue(count.getMessage().contains("4 images but") && count.getMessage().contains("3 labels"),
                count.getMessage());
        UncheckedIOException swapped = assertThrows(UncheckedIOException.class, () -> ImageSource.idx(labels, null));
        assertTrue(swapped.getMessage().contains("magic number was 0x00000801"), swapped.getMessage());
        UncheckedIOException missing = assertThrows(UncheckedIOException.class,
                () -> ImageSource.idx(dir.resolve("nope.gz"), null));
        assertTrue(missing.getMessage().contains("nope.gz"), missing.getMessage());
        Path truncated = dir.resolve("t.idx");
        idx(truncated, new int[] {4, 2, 2}, new byte[10], false);
        UncheckedIOException shortFile = assertThrows(UncheckedIOException.class,
                () -> all(ImageSource.idx(truncated, null), 0));
        assertTrue(shortFile.getMessage().contains("image 2"), shortFile.getMessage());
    }

    private static void png(Path file, int grey) throws IOException {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, (grey << 16) | (grey << 8) | grey);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void aFolderOfClassFoldersLabelsByFolderAndAFlatOneLeavesImagesUnlabelled(@TempDir Path dir) throws IOException {
        png(dir.resolve("classes/dog/b.png"), 10);
        png(dir.resolve("classes/dog/a.png"), 20);
        png(dir.resolve("classes/cat/z.png"), 30);
        Files.writeString(dir.resolve("classes/cat/notes.txt"), "not an image");
        ImageSource s = ImageSource.folder(dir.resolve("classes"));
        assertEquals(List.of("cat", "dog"), s.classes());
        List<DatasetItem> items = all(s, 0);
        assertEquals(3, items.size());
        assertEquals(List.of("cat/z.png", "dog/a.png", "dog/b.png"), items.stream().map(DatasetItem::name).toList());
        assertEquals(List.of(0, 1, 1), items.stream().map(DatasetItem::label).toList());
        assertEquals(20, items.get(1).image().getRaster().getSample(0, 0, 0));
        assertEquals(List.of(2L), all(s, 2).stream().map(DatasetItem::index).toList());

        png(dir.resolve("flat/1.png"), 5);
        png(dir.resolve("flat/0.png"), 6);
        List<DatasetItem> flat = all(ImageSource.folder(dir.resolve("flat")), 0);
        assertEquals(List.of(-1, -1), flat.stream().map(DatasetItem::label).toList());
        assertEquals(6, flat.get(0).image().getRaster().getSample(0, 0, 0));

        Files.createDirectories(dir.resolve("empty"));
        UncheckedIOException empty = assertThrows(UncheckedIOException.class,
                () -> ImageSource.folder(dir.resolve("empty")));
        assertTrue(empty.getMessage().contains("holds no image"), empty.getMessage());
        Files.createDirectories(dir.resolve("broken"));
        Files.writeString(dir.resolve("broken/x.png"), "garbage");
        UncheckedIOException broken = assertThrows(UncheckedIOException.class,
                () -> all(ImageSource.folder(dir.resolve("broken")), 0));
        assertTrue(broken.getMessage().contains("x.png"), broken.getMessage());
    }

    @Test
    void listsIterablesLimitsAndShapesStreamFromAnyIndex() {
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            images.add(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
        }
        ImageSource labelled = ImageSource.of(images, new int[] {0, 1, 0, 1, 0, 1}, List.of("a", "b"));
        List<DatasetItem> from4 = all(labelled, 4);
        assertEquals(List.of(4L, 5L), from4.stream().map(DatasetItem::index).toList());
        assertTrue(from4.get(0).image() == images.get(4));
        assertEquals(1, from4.get(1).label());
        Iterable<BufferedImage> oneByOne = images::iterator;     // not a Collection: size found by reading
        ImageSource it = ImageSource.of(oneByOne);
        assertEquals(6, it.size());
        assertTrue(all(it, 3).get(0).image() == images.get(3));
        ImageSource first3 = it.limit(3);
        assertEquals(3, first3.size());
        assertEquals(List.of(1L, 2L), all(first3, 1).stream().map(DatasetItem::index).toList());
        SyntheticShapes shapes = SyntheticShapes.create(32);
        List<DatasetItem> s = all(ImageSource.shapes(shapes, 5, 4), 2);
        assertEquals(shapes.sample(5, 3).label(), s.get(1).label());
        assertEquals(shapes.sample(5, 3).image().getRGB(7, 9), s.get(1).image().getRGB(7, 9));

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> ImageSource.of(images, new int[] {0}, List.of()));
        assertTrue(count.getMessage().contains("6 images but 1 labels"), count.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> ImageSource.of(images, new int[] {0, 1, 2, 0, 0, 0}, List.of("a", "b")));
        assertTrue(label.getMessage().contains("label of image 2 was 2"), label.getMessage());
        assertThrows(IllegalArgumentException.class, () -> labelled.stream(-1));
        assertThrows(IllegalArgumentException.class, () -> labelled.limit(0));
        List<BufferedImage> withNull = new ArrayList<>(images);
        withNull.set(2, null);
        NullPointerException npe = assertThrows(NullPointerException.class, () -> all(ImageSource.of(withNull), 0));
        assertTrue(npe.getMessage().contains("image 2"), npe.getMessage());
    }
}
