package io.github.explain4j.api;

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

    /**
     * The image scaled to {@code width×height} as 8-bit RGB, with the same reading and resampling as
     * {@link #toChw(BufferedImage, int, int, int, ResizePolicy) toChw} and {@link ResizePolicy#STRETCH}: what a
     * 3-channel model sees, for display.
     */
    public static BufferedImage resize(BufferedImage image, int width, int height) {
        return resize(image, width, height, ResizePolicy.STRETCH);
    }

    /**
     * The image brought to {@code width×height} by a resize policy, as 8-bit RGB: what a 3-channel model with that
     * policy sees, e.g. to overlay an attribution on the centre crop the model explained.
     *
     * @throws IllegalArgumentException naming the size when it is not positive
     */
    public static BufferedImage resize(BufferedImage image, int width, int height, ResizePolicy policy) {
        return fromChw(toChw(image, 3, height, width, policy), 3, height, width);
    }

    /**
     * An 8-bit RGB image of {@code C×H×W} pixel values in [0, 1] (the inverse of {@link #toChw}): R, G, B planes
     * for 3 channels, one grey plane (shown in R, G and B) for 1 channel; values are rounded to the nearest of 256
     * levels and clamped to [0, 1]. Shows what a feature visualisation found ({@code FeatureImage.image(i)}).
     *
     * @throws IllegalArgumentException naming the values when the channel count is not 1 or 3, the size is not
     *     positive, or {@code chw} does not hold {@code channels × height × width} values
     */
    public static BufferedImage fromChw(float[] chw, int channels, int height, int width) {
        Objects.requireNonNull(chw, "chw");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels was " + channels + "; expected 1 or 3");
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "size was " + height + "x" + width + "; expected a positive height and width");
        }
        int plane = width * height;
        if (chw.length != channels * plane) {
            throw new IllegalArgumentException("chw has " + chw.length + " values; expected " + channels + "×"
                    + height + "×" + width + " = " + channels * plane);
        }
        int g = channels == 3 ? plane : 0;
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            rgb[i] = byteOf(chw[i]) << 16 | byteOf(chw[g + i]) << 8 | byteOf(chw[2 * g + i]);
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, width, height, rgb, 0, width);
        return out;
    }

    private static int byteOf(float value) {
        return Math.max(0, Math.min(255, Math.round(value * 255)));
    }

    /**
     * The pixels of an image, stretched to {@code width×height} if needed, as {@code C×H×W} values in [0, 1]; the
     * same as {@link #toChw(BufferedImage, int, int, int, ResizePolicy)} with {@link ResizePolicy#STRETCH}.
     */
    public static float[] toChw(BufferedImage image, int channels, int height, int width) {
        return toChw(image, channels, height, width, ResizePolicy.STRETCH);
    }

    /**
     * The pixels of an image, brought to {@code width×height} by a resize policy, as {@code C×H×W} values in
     * [0, 1]: R, G, B planes for 3 channels, one grey plane for 1 channel.
     *
     * <p><b>Values are read as the image stores them</b>, with no colour-space conversion: each sample divided by
     * its maximum ({@code 255} for 8-bit, {@code 65535} for 16-bit samples, as in grey, RGB, BGR, packed and
     * 16-bit-per-channel PNG images), palette images by their palette entries. A grey image given to a 3-channel
     * model is replicated into R, G and B; an RGB image given to a 1-channel model becomes its ITU-R 601
     * luminance {@code 0.299 R + 0.587 G + 0.114 B}. <b>Alpha is ignored</b>: a translucent or transparent pixel
     * gives the colour it stores (as Python's {@code PIL.Image.convert("RGB")} does); premultiplied colours are
     * divided by their alpha first, so both storages of one picture read alike (0 where alpha is 0). Images in
     * other colour spaces (CMYK, Lab, …) store no RGB and are converted to sRGB by Java2D.
     *
     * <p><b>Resampling</b>, one axis at a time: along an axis that shrinks, each output pixel is the mean of its
     * exact source footprint, with the source pixels cut by the footprint's edges weighted by the fraction they
     * cover (area averaging: fine detail averages out instead of aliasing); along an axis that grows, bilinear
     * interpolation between pixel centres, clamped at the edges. An image already {@code width×height} under
     * {@link ResizePolicy#STRETCH} is copied unchanged.
     *
     * @param image any image ImageIO reads
     * @param channels 1 (grey) or 3 (RGB)
     * @param height output height in pixels
     * @param width output width in pixels
     * @param policy how the aspect ratio is handled: stretched, centre-cropped or letterboxed
     * @throws IllegalArgumentException naming the value when the channel count or size is invalid, or when the
     *     image stores signed samples, which have no [0, 1] scale
     */
    public static float[] toChw(BufferedImage image, int channels, int height, int width, ResizePolicy policy) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(policy, "policy");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels was " + channels + "; expected 1 or 3");
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "output size was " + height + "x" + width + "; expected a positive height and width");
        }
        StoredPixels pixels = StoredPixels.of(image);
        int sw = image.getWidth();
        int sh = image.getHeight();
        // the source window [x0, x0 + cw) × [y0, y0 + ch) goes to the output box at (ox, oy) of size bw × bh
        double x0 = 0;
        double y0 = 0;
        double cw = sw;
        double ch = sh;
        int ox = 0;
        int oy = 0;
        int bw = width;
        int bh = height;
        boolean wider = (long) width * sh >= (long) height * sw; // the input's aspect ratio is wider than the image's
        switch (policy) {
            case STRETCH -> { }
            case CENTER_CROP -> {
                if (wider) {
                    ch = (double) height * sw / width;
                    y0 = (sh - ch) / 2;
                } else {
                    cw = (double) width * sh / height;
                    x0 = (sw - cw) / 2;
                }
            }
            case LETTERBOX -> {
                if (wider) {
                    bw = (int) Math.max(1, Math.min(width, Math.round((double) sw * height / sh)));
                    ox = (width - bw) / 2;
                } else {
                    bh = (int) Math.max(1, Math.min(height, Math.round((double) sh * width / sw)));
                    oy = (height - bh) / 2;
                }
            }
        }
        boolean luminance = channels == 1 && pixels.bands() == 3;
        boolean same = bw == sw && bh == sh && x0 == 0 && y0 == 0 && cw == sw && ch == sh;
        float[] box = same ? Resampling.copy(pixels, luminance) : Resampling.resample(pixels, luminance,
                Resampling.axis(sw, x0, cw, bw), Resampling.axis(sh, y0, ch, bh));
        int bands = box.length / (bw * bh);
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            int from = (bands == 1 ? 0 : c) * bh * bw;
            for (int y = 0; y < bh; y++) {
                System.arraycopy(box, from + y * bw, out, (c * height + oy + y) * width + ox, bw);
            }
        }
        return out;
    }
}
