package io.github.explain4j.api;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;

/** Pure-Java conversions between images and channel-first pixel arrays in {@code [0, 1]}. */
public final class Images {

    private Images() {}

    /**
     * Reads an image file (PNG, JPEG, BMP, GIF).
     *
     * @throws IllegalArgumentException naming the path when it is missing or not an image
     */
    public static BufferedImage read(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("image file " + path.toAbsolutePath() + " does not exist");
        }
        try {
            BufferedImage image = ImageIO.read(path.toFile());
            if (image == null) {
                throw new IllegalArgumentException("file " + path.toAbsolutePath()
                        + " is not an image this JVM can read; expected PNG, JPEG, BMP or GIF");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + path.toAbsolutePath(), e);
        }
    }

    /** The image scaled to {@code width×height} with bilinear interpolation, as 8-bit RGB. */
    public static BufferedImage resize(BufferedImage image, int width, int height) {
        Objects.requireNonNull(image, "image");
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * The pixels of an image, resized to {@code width×height} if needed, as {@code C×H×W} values in [0, 1]:
     * R, G, B planes for 3 channels, luminance (ITU-R 601: 0.299 R + 0.587 G + 0.114 B) for 1 channel.
     */
    public static float[] toChw(BufferedImage image, int channels, int height, int width) {
        Objects.requireNonNull(image, "image");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels was " + channels + "; expected 1 or 3");
        }
        BufferedImage src = image.getWidth() == width && image.getHeight() == height ? image
                : resize(image, width, height);
        int plane = height * width;
        float[] out = new float[channels * plane];
        int[] rgb = src.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < plane; i++) {
            float r = ((rgb[i] >> 16) & 0xff) / 255f;
            float g = ((rgb[i] >> 8) & 0xff) / 255f;
            float b = (rgb[i] & 0xff) / 255f;
            if (channels == 3) {
                out[i] = r;
                out[plane + i] = g;
                out[2 * plane + i] = b;
            } else {
                out[i] = 0.299f * r + 0.587f * g + 0.114f * b;
            }
        }
        return out;
    }

}
