package io.github.explain4j.djl.internal;

/**
 * Bilinear resizing of heap maps with half-pixel centres (the convention of OpenCV's {@code resize} and PyTorch's
 * {@code interpolate(align_corners=False)}), used to bring class-activation maps to the input's size.
 */
public final class Resize {

    private Resize() {}

    /** Resizes an {@code h×w} row-major map to {@code outH×outW}. */
    public static float[] bilinear(float[] map, int h, int w, int outH, int outW) {
        if (h == outH && w == outW) {
            return map.clone();
        }
        float[] out = new float[outH * outW];
        double sy = (double) h / outH;
        double sx = (double) w / outW;
        for (int y = 0; y < outH; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double wy = fy - y0;
            for (int x = 0; x < outW; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double wx = fx - x0;
                double top = map[y0 * w + x0] * (1 - wx) + map[y0 * w + x1] * wx;
                double bottom = map[y1 * w + x0] * (1 - wx) + map[y1 * w + x1] * wx;
                out[y * outW + x] = (float) (top * (1 - wy) + bottom * wy);
            }
        }
        return out;
    }
}
