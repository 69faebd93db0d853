package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.github.explain4j.djl.internal.HeapArrays;

/**
 * The inversion's two penalties written as engine operations, the reference that {@link FeatureInversionTest} holds
 * the library's heap penalties (values and gradients) to through the engines' autograd.
 */
final class EnginePenalties {

    private EnginePenalties() {}

    /**
     * {@code |d|^α}: for an even α up to 8 as products of {@code d²} (cheaper than a power, forward and backward),
     * otherwise {@code pow(|d|, α)}.
     */
    static NDArray powerOfDistance(NDArray d, double alpha) {
        if (alpha % 2 == 0 && alpha <= 8) {
            NDArray square = d.square();
            NDArray out = square;
            for (int k = 2; k <= alpha / 2; k++) {
                out = out.mul(square);
            }
            return out;
        }
        return d.abs().pow((float) alpha);
    }

    /**
     * The differences of {@link #totalVariation} as one grouped convolution: for each channel {@code c}, filter
     * {@code 2c} gives {@code x[i, j+1] − x[i, j]} and filter {@code 2c+1} gives {@code x[i+1, j] − x[i, j]}, at every
     * pixel that has a right and a lower neighbour. Shape {@code (2C, 1, 2, 2)}, in {@code manager} at {@code type}.
     */
    static NDArray differenceKernel(NDManager manager, int channels, DataType type) {
        float[] k = new float[channels * 2 * 4];
        for (int c = 0; c < channels; c++) {
            int dx = (2 * c) * 4;
            k[dx] = -1; // (0, 0)
            k[dx + 1] = 1; // (0, 1)
            int dy = (2 * c + 1) * 4;
            k[dy] = -1; // (0, 0)
            k[dy + 2] = 1; // (1, 0)
        }
        return HeapArrays.create(manager, k, new Shape(2L * channels, 1, 2, 2)).toType(type, false);
    }

    /**
     * {@code R_TV^β}: the mean over the pixels that have a right and a lower neighbour, and over channels, of
     * {@code ((Δ_x)² + (Δ_y)²)^(β/2) / V^β}. For β below 2 a tiny constant under the power keeps the gradient
     * finite on flat images.
     */
    static NDArray totalVariation(NDArray pixels, double beta) {
        long[] s = pixels.getShape().getShape();
        NDArray kernel = differenceKernel(pixels.getManager(), (int) s[1], pixels.getDataType());
        NDArray differences = Conv2d.conv2d(pixels, kernel, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1),
                (int) s[1]).singletonOrThrow();
        double count = s[0] * s[1] * (s[2] - 1) * (s[3] - 1);
        double v = FeatureInversion.VARIATION;
        if (beta == 2) {
            return differences.square().sum().mul((float) (1 / (count * v * v)));
        }
        NDArray squared = differences.square().reshape(s[0], s[1], 2, s[2] - 1, s[3] - 1).sum(new int[] {2});
        return squared.add(1e-8f * (float) (v * v)).pow((float) (beta / 2)).sum()
                .mul((float) (1 / (count * Math.pow(v, beta))));
    }
}
