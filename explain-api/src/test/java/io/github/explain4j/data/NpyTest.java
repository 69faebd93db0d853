package io.github.explain4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .npy} files: NumPy's own (committed, made with {@code numpy.save} of numpy 1.24: {@code (arange(24) −
 * 7.5) / 3} shaped 2×3×4, and a 5-vector) read to their values; what {@link Npy#write} writes is byte-identical
 * to NumPy's file of the same array, and reads back; truncated and foreign files are refused.
 */
class NpyTest {

    private static Path resource(String name) throws Exception {
        return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    }

    private static float[] arange() {
        float[] v = new float[24];
        for (int i = 0; i < 24; i++) {
            v[i] = (float) ((i - 7.5) / 3);
        }
        return v;
    }

    @Test
    void numpysFilesReadToTheirValuesAndOursAreByteIdenticalToThem(@TempDir Path dir) throws Exception {
        Npy.Array a = Npy.read(resource("arange-2x3x4.npy"));
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        assertArrayEquals(arange(), a.values(), 1e-6f);
        Path ours = dir.resolve("a.npy");
        Npy.write(ours, arange(), 2, 3, 4);
        assertArrayEquals(Files.readAllBytes(resource("arange-2x3x4.npy")), Files.readAllBytes(ours));
        float[] vector = {1.5f, -2, 0, 3.25f, 1e-3f};
        assertArrayEquals(vector, Npy.read(resource("vector-5.npy")).values());
        Path v = dir.resolve("v.npy");
        Npy.write(v, vector, 5);
        assertArrayEquals(Files.readAllBytes(resource("vector-5.npy")), Files.readAllBytes(v));
    }

    @Test
    void truncatedAndForeignFilesAndWrongShapesAreRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.npy");
        Npy.write(f, new float[] {1, 2, 3, 4}, 2, 2);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 3));
        IOException cut = assertThrows(IOException.class, () -> Npy.read(f));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        Path g = dir.resolve("g.npy");
        Files.writeString(g, "hello, not numpy");
        assertThrows(IOException.class, () -> Npy.read(g));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(dir.resolve("x.npy"), new float[3], 2, 2));
        assertTrue(shape.getMessage().contains("holds 4 values but 3"), shape.getMessage());
    }
}
