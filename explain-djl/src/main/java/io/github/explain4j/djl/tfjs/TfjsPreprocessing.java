package io.github.explain4j.djl.tfjs;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * The input preparation of the two shipped TF.js models, in pure Java, giving NCHW float arrays.
 *
 * <p>Resizing is TF's {@code cropAndResize} bilinear sampling: the first and last output pixels sit on the first
 * and last pixels of the crop (equivalently {@code resizeBilinear} with {@code alignCorners = true} for a full
 * image).
 */
public final class TfjsPreprocessing {

    /** BT.601 luma weights, the ones {@code @vladmandic/human} uses for the emotion model. */
    private static final float[] GREY = {0.2989f, 0.5870f, 0.1140f};

    private TfjsPreprocessing() {}

    /**
     * The emotion model's input as {@code @vladmandic/human} prepares it: the face crop resized to 64×64 with RGB
     * in [0, 1], converted to grey, then mapped to [−1, 1] by {@code (grey − 0.5)·2}.
     *
     * @param image an RGB image
     * @param face the face box in pixels
     * @return 64·64 values, NCHW (1, 1, 64, 64)
     */
    public static float[] emotionInput(BufferedImage image, Rectangle face) {
        float[][] rgb = cropResize(image, face, 64, 64);
        float[] out = new float[64 * 64];
        for (int i = 0; i < out.length; i++) {
            float grey = rgb[0][i] * GREY[0] + rgb[1][i] * GREY[1] + rgb[2][i] * GREY[2];
            out[i] = (grey - 0.5f) * 2f;
        }
        return out;
    }

    /**
     * The MobileNetV2 input as {@code nsfwjs} prepares it: RGB divided by 255, the whole image resized to
     * {@code size}×{@code size}.
     *
     * @param image an RGB image
     * @param size the side, 224 for MobileNetV2
     * @return 3·size·size values, NCHW (1, 3, size, size)
     */
    public static float[] mobileNetV2Input(BufferedImage image, int size) {
        float[][] rgb = cropResize(image, new Rectangle(0, 0, image.getWidth(), image.getHeight()), size, size);
        float[] out = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(rgb[c], 0, out, c * size * size, size * size);
        }
        return out;
    }

    /**
     * Reorders an NCHW array with batch 1 into NHWC, TF's layout.
     *
     * @param nchw the values, channel planes one after another
     * @param channels C
     * @param height H
     * @param width W
     * @return the same values in NHWC order
     */
    public static float[] toNhwc(float[] nchw, int channels, int height, int width) {
        float[] out = new float[nchw.length];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < height * width; p++) {
                out[p * channels + c] = nchw[c * height * width + p];
            }
        }
        return out;
    }

    /** Bilinear samples of the box, per RGB channel, in [0, 1]; row-major planes of outH·outW. */
    static float[][] cropResize(BufferedImage image, Rectangle box, int outH, int outW) {
        if (box.width < 1 || box.height < 1 || box.x < 0 || box.y < 0 || box.x + box.width > image.getWidth()
                || box.y + box.height > image.getHeight()) {
            throw new IllegalArgumentException("crop box " + box + " is not inside the " + image.getWidth() + "×"
                    + image.getHeight() + " image");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = storedRgb(image);
        float[][] out = new float[3][outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = box.y + (outH > 1 ? y * (box.height - 1.0) / (outH - 1) : (box.height - 1) / 2.0);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = box.x + (outW > 1 ? x * (box.width - 1.0) / (outW - 1) : (box.width - 1) / 2.0);
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    double top = lerp(channel(argb[y0 * w + x0], shift), channel(argb[y0 * w + x1], shift), fx);
                    double bottom = lerp(channel(argb[y1 * w + x0], shift), channel(argb[y1 * w + x1], shift), fx);
                    out[c][y * outW + x] = (float) (lerp(top, bottom, fy) / 255.0);
                }
            }
        }
        return out;
    }

    /**
     * 8-bit RGB values as stored, packed as {@code 0xRRGGBB}. {@code getRGB} gives them for sRGB colour images
     * but passes grey ones through a colour-space curve (stored 64 becomes 137), so those are read from the
     * raster as stored (see {@link io.github.explain4j.api.Images#toChw}) and rounded to 8 bits.
     */
    private static int[] storedRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int type = image.getType();
        if (type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB
                || type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_4BYTE_ABGR) {
            return image.getRGB(0, 0, w, h, null, 0, w);
        }
        float[] chw = io.github.explain4j.api.Images.toChw(image, 3, h, w);
        int plane = h * w;
        int[] argb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int r = Math.round(chw[i] * 255f);
            int g = Math.round(chw[plane + i] * 255f);
            int b = Math.round(chw[2 * plane + i] * 255f);
            argb[i] = (r << 16) | (g << 8) | b;
        }
        return argb;
    }

    private static int channel(int argb, int shift) {
        return (argb >> shift) & 0xff;
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
