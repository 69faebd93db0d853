package io.github.explain4j.djl.tfjs;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The fixed inputs of the golden-output tests, shared by the tests and by {@link TfjsImportMain}, which writes them
 * for {@code tools/tfjs-golden.js}: TF.js computes the expected outputs from exactly these arrays.
 */
final class TfjsGoldenCases {

    /** One input: which model, which image, which crop. */
    record Case(String model, String name, String image, Rectangle crop) {

        /** The NCHW input, batch 1. */
        float[] nchw(Path repoRoot) throws IOException {
            BufferedImage img = ImageIO.read(repoRoot.resolve("assets/images").resolve(image).toFile());
            if (img == null) {
                throw new IOException("cannot decode " + image);
            }
            return model.equals(TfjsModels.EMOTION)
                    ? TfjsPreprocessing.emotionInput(img, crop)
                    : TfjsPreprocessing.mobileNetV2Input(img, 224);
        }

        /** NCHW shape, batch 1. */
        long[] shape() {
            return model.equals(TfjsModels.EMOTION) ? new long[] {1, 1, 64, 64} : new long[] {1, 3, 224, 224};
        }

        /** The NHWC float32 little-endian bytes that TF.js reads. */
        byte[] nhwcBytes(Path repoRoot) throws IOException {
            long[] s = shape();
            float[] nhwc = TfjsPreprocessing.toNhwc(nchw(repoRoot), (int) s[1], (int) s[2], (int) s[3]);
            ByteBuffer b = ByteBuffer.allocate(nhwc.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(nhwc);
            return b.array();
        }
    }

    static final List<Case> CASES = List.of(
            new Case(TfjsModels.EMOTION, "astronaut_face", "astronaut.png", new Rectangle(150, 20, 140, 140)),
            new Case(TfjsModels.EMOTION, "grace_hopper_face", "grace_hopper.jpg", new Rectangle(160, 80, 200, 200)),
            new Case(TfjsModels.EMOTION, "brick", "brick.png", new Rectangle(0, 0, 512, 512)),
            new Case(TfjsModels.MOBILENET_V2, "chelsea", "chelsea.png", null),
            new Case(TfjsModels.MOBILENET_V2, "coffee", "coffee.png", null),
            new Case(TfjsModels.MOBILENET_V2, "rocket", "rocket.jpg", null));

    private TfjsGoldenCases() {}

    static List<Case> of(String model) {
        return CASES.stream().filter(c -> c.model().equals(model)).toList();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The repository root: the nearest folder upwards holding both {@code models/} and {@code assets/}. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("models")) && Files.isDirectory(p.resolve("assets"))) {
                return p;
            }
        }
        throw new IllegalStateException("no folder with models/ and assets/ above " + Path.of("").toAbsolutePath());
    }
}
