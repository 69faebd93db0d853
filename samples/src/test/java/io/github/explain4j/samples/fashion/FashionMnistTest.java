package io.github.explain4j.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader, on small files written here. */
class FashionMnistTest {

    @TempDir
    Path dir;

    @Test
    void readsImagesAndLabelsAndScalesPixels() throws IOException {
        byte[] pixels = new byte[3 * 28 * 28];
        pixels[0] = (byte) 255;
        pixels[28 * 28] = (byte) 128;
        write(FashionMnist.Split.TEST.imagesFile(), 0x803, new int[] {3, 28, 28}, pixels);
        write(FashionMnist.Split.TEST.labelsFile(), 0x801, new int[] {3}, new byte[] {9, 0, 4});

        FashionMnist data = FashionMnist.load(dir, FashionMnist.Split.TEST);
        assertEquals(3, data.size());
        assertEquals(9, data.label(0));
        assertEquals(4, data.label(2));
        assertEquals((byte) 128, data.pixels(1)[0]);

        float[] x = new float[2 * 28 * 28];
        data.copyScaled(new int[] {1, 0}, 0, 2, x);
        assertEquals(128 / 255f, x[0]);
        assertEquals(1f, x[28 * 28]);
        float[] y = new float[2];
        data.copyLabels(new int[] {2, 0}, 0, 2, y);
        assertArrayEquals(new float[] {4, 9}, y);

        assertEquals(2, FashionMnist.load(dir, FashionMnist.Split.TEST, 2).size());
    }

    @Test
    void aWrongMagicNumberIsReported() throws IOException {
        write(FashionMnist.Split.TEST.imagesFile(), 0x801, new int[] {1}, new byte[1]);
        write(FashionMnist.Split.TEST.labelsFile(), 0x801, new int[] {1}, new byte[1]);
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("magic number was 0x00000801; expected 0x00000803"), e.getMessage());
    }

    @Test
    void aMissingDatasetNamesTheDebianPackage() {
        IOException e = assertThrows(IOException.class,
                () -> FashionMnist.load(dir.resolve("absent"), FashionMnist.Split.TRAIN));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    private void write(String name, int magic, int[] dims, byte[] data) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(
                dir.resolve(name))))) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }
}
