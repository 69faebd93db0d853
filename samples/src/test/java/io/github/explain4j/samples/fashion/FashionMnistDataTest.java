package io.github.explain4j.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test split committed under {@code data/fashion-mnist/} is the real Fashion-MNIST test split: its files have
 * the checksums its README records, they decompress to the original files, and they hold 10,000 images of 28×28
 * with 1,000 of each class.
 */
class FashionMnistDataTest {

    /** sha256 of the committed {@code .gz} files, as recorded in {@code data/fashion-mnist/README.md}. */
    private static final String IMAGES_GZ_SHA256 = "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa";
    private static final String LABELS_GZ_SHA256 = "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05";

    /** md5 of the decompressed files: the values published for the original Fashion-MNIST test split. */
    private static final String IMAGES_MD5 = "8181f5470baa50b63fa0f6fddb340f0a";
    private static final String LABELS_MD5 = "15d484375f8d13e6eb1aabb0c3f46965";

    private static final int TEST_IMAGES = 10_000;

    private static Path dir;

    @BeforeAll
    static void findData() {
        dir = FashionMnist.committedDir().orElseThrow(() -> new AssertionError(FashionMnist.COMMITTED_DIR
                + "/" + FashionMnist.Split.TEST.imagesFile() + " not found from " + Path.of("").toAbsolutePath()
                + " up; the test split is committed there (restore it with `git checkout -- "
                + FashionMnist.COMMITTED_DIR + "`)"));
    }

    @Test
    void committedFilesHaveTheChecksumsTheReadmeRecords() throws Exception {
        Path images = dir.resolve(FashionMnist.Split.TEST.imagesFile());
        Path labels = dir.resolve(FashionMnist.Split.TEST.labelsFile());
        assertEquals(IMAGES_GZ_SHA256, digest("SHA-256", Files.newInputStream(images)), images.toString());
        assertEquals(LABELS_GZ_SHA256, digest("SHA-256", Files.newInputStream(labels)), labels.toString());

        String readme = Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
        for (String recorded : new String[] {IMAGES_GZ_SHA256, LABELS_GZ_SHA256, IMAGES_MD5, LABELS_MD5}) {
            assertTrue(readme.contains(recorded), "README.md does not record " + recorded);
        }
        String licence = Files.readString(dir.resolve("LICENSE"), StandardCharsets.UTF_8);
        assertTrue(licence.contains("Zalando SE") && licence.contains("Permission is hereby granted"), licence);
    }

    @Test
    void committedFilesDecompressToTheOriginalTestSplit() throws Exception {
        assertEquals(IMAGES_MD5, digest("MD5", gunzip(FashionMnist.Split.TEST.imagesFile())));
        assertEquals(LABELS_MD5, digest("MD5", gunzip(FashionMnist.Split.TEST.labelsFile())));
    }

    @Test
    void headersDescribeTenThousandImagesOf28By28() throws IOException {
        try (DataInputStream in = new DataInputStream(gunzip(FashionMnist.Split.TEST.imagesFile()))) {
            assertArrayEquals(new int[] {0x803, TEST_IMAGES, FashionMnist.SIDE, FashionMnist.SIDE},
                    new int[] {in.readInt(), in.readInt(), in.readInt(), in.readInt()});
        }
        try (DataInputStream in = new DataInputStream(gunzip(FashionMnist.Split.TEST.labelsFile()))) {
            assertArrayEquals(new int[] {0x801, TEST_IMAGES}, new int[] {in.readInt(), in.readInt()});
        }
    }

    @Test
    void everyClassHasOneThousandTestImages() throws IOException {
        FashionMnist test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        assertEquals(TEST_IMAGES, test.size());
        int[] counts = new int[FashionMnist.LABELS.length];
        for (int i = 0; i < test.size(); i++) {
            counts[test.label(i)]++;
        }
        int[] expected = new int[FashionMnist.LABELS.length];
        Arrays.fill(expected, TEST_IMAGES / FashionMnist.LABELS.length);
        assertArrayEquals(expected, counts);
    }

    private static InputStream gunzip(String file) throws IOException {
        return new GZIPInputStream(Files.newInputStream(dir.resolve(file)), 1 << 16);
    }

    /** The hex digest of a whole stream, which is closed. */
    private static String digest(String algorithm, InputStream in) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance(algorithm);
        try (DigestInputStream d = new DigestInputStream(in, md)) {
            d.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
