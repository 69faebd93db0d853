package io.github.explain4j.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader, on small files written here, and where the dataset is looked for. */
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

    @Test
    void theCommittedCopyIsFoundFromASubdirectoryAndPreferredToTheDebianOne() throws IOException {
        Path committed = touchSplit(dir.resolve(FashionMnist.COMMITTED_DIR), FashionMnist.Split.TEST);
        Path debian = touchSplit(dir.resolve("debian"), FashionMnist.Split.TEST);
        Path module = Files.createDirectories(dir.resolve("samples").resolve("target"));

        assertEquals(Optional.of(committed), FashionMnist.committedDir(module));
        assertEquals(committed, FashionMnist.locate(FashionMnist.Split.TEST, null, module, debian));
    }

    @Test
    void theDebianCopyIsUsedForWhatIsNotCommittedAndOutsideAClone() throws IOException {
        Path clone = dir.resolve("clone");
        touchSplit(clone.resolve(FashionMnist.COMMITTED_DIR), FashionMnist.Split.TEST);
        Path debian = touchSplit(dir.resolve("debian"), FashionMnist.Split.TRAIN);
        touchSplit(debian, FashionMnist.Split.TEST);
        Path module = Files.createDirectories(clone.resolve("samples"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

        assertEquals(debian, FashionMnist.locate(FashionMnist.Split.TRAIN, null, module, debian));
        assertEquals(clone.resolve(FashionMnist.COMMITTED_DIR),
                FashionMnist.locate(FashionMnist.Split.TEST, null, module, debian));
        assertEquals(Optional.empty(), FashionMnist.committedDir(elsewhere));
        assertEquals(debian, FashionMnist.locate(FashionMnist.Split.TEST, null, elsewhere, debian));
    }

    @Test
    void thePropertyOverridesEveryOtherPlace() throws IOException {
        touchSplit(dir.resolve(FashionMnist.COMMITTED_DIR), FashionMnist.Split.TEST);
        Path debian = touchSplit(dir.resolve("debian"), FashionMnist.Split.TEST);
        Path chosen = touchSplit(dir.resolve("chosen"), FashionMnist.Split.TEST);

        assertEquals(chosen, FashionMnist.locate(FashionMnist.Split.TEST, chosen.toString(), dir, debian));
        IOException e = assertThrows(IOException.class, () -> FashionMnist.locate(FashionMnist.Split.TEST,
                dir.resolve("absent").toString(), dir, debian));
        assertTrue(e.getMessage().contains("-Dfashion.mnist.dir=" + dir.resolve("absent")), e.getMessage());
        assertTrue(e.getMessage().contains("does not hold t10k-images-idx3-ubyte.gz"), e.getMessage());
    }

    @Test
    void nothingFoundNamesThePlacesLookedAtAndTheFixes() throws IOException {
        Path debian = dir.resolve("debian");
        Path start = Files.createDirectories(dir.resolve("work"));
        IOException test = assertThrows(IOException.class,
                () -> FashionMnist.locate(FashionMnist.Split.TEST, null, start, debian));
        assertTrue(test.getMessage().contains(start.resolve(FashionMnist.COMMITTED_DIR).toString()), test.getMessage());
        assertTrue(test.getMessage().contains(debian.toString()), test.getMessage());
        assertTrue(test.getMessage().contains("committed under data/fashion-mnist"), test.getMessage());
        assertTrue(test.getMessage().contains("apt-get install dataset-fashion-mnist"), test.getMessage());
        assertTrue(test.getMessage().contains("-Dfashion.mnist.dir=DIR"), test.getMessage());

        touchSplit(dir.resolve(FashionMnist.COMMITTED_DIR), FashionMnist.Split.TEST);
        IOException train = assertThrows(IOException.class,
                () -> FashionMnist.locate(FashionMnist.Split.TRAIN, null, start, debian));
        assertTrue(train.getMessage().contains("train-images-idx3-ubyte.gz"), train.getMessage());
        assertTrue(train.getMessage().contains("the train split is not committed"), train.getMessage());
        assertTrue(train.getMessage().contains("apt-get install dataset-fashion-mnist"), train.getMessage());
    }

    /** Creates a split's two (empty) files in {@code split}; locating looks at names only. */
    private static Path touchSplit(Path where, FashionMnist.Split split) throws IOException {
        Files.createDirectories(where);
        for (String name : new String[] {split.imagesFile(), split.labelsFile()}) {
            if (!Files.exists(where.resolve(name))) {
                Files.createFile(where.resolve(name));
            }
        }
        return where;
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
