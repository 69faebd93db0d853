package io.github.explain4j.djl.internal;

/** Separable Gaussian blur of channel-first heap images, edges clamped. */
public final class Blur {

    private Blur() {}

    /** Blurs each channel of a {@code C×H×W} image with a Gaussian of standard deviation {@code sigma} pixels. */
    public static float[] gaussian(float[] chw, int channels, int height, int width, double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] kernel = new double[2 * radius + 1];
        double total = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
            total += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= total;
        }
        int plane = height * width;
        float[] tmp = new float[chw.length];
        float[] out = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            int o = c * plane;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int xx = Math.min(width - 1, Math.max(0, x + k));
                        s += kernel[k + radius] * chw[o + y * width + xx];
                    }
                    tmp[o + y * width + x] = (float) s;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int yy = Math.min(height - 1, Math.max(0, y + k));
                        s += kernel[k + radius] * tmp[o + yy * width + x];
                    }
                    out[o + y * width + x] = (float) s;
                }
            }
        }
        return out;
    }
}
