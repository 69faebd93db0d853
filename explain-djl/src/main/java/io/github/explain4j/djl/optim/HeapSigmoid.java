package io.github.explain4j.djl.optim;

/**
 * The logistic sigmoid {@code 1 / (1 + e^(−x))} of a float array on the heap, for the sigmoid range of an image's
 * parameters: {@code ½ + ½·tanh(x/2)}, with {@code tanh(y) ≈ y·P(y²)/Q(y²)} (P of degree 6, Q of degree 3, y clamped
 * to [−7.9, 7.9]) a rational function fitted for this project to tanh's relative error on that interval
 * ({@code docs/fits/tanh_rational.py}: largest relative error 1.5·10⁻⁹ in exact arithmetic; Q has no root at
 * {@code y² ≥ 0}). In float arithmetic the result is within 2.5·10⁻⁷ of the exact sigmoid — a few units in the last
 * place of ½, where the float sigmoid through {@code Math.exp} is within 3·10⁻⁸ — and in [0, 1]. The loop has float
 * multiplications, additions, one division and the clamp only, which the JIT vectorises; a call of
 * {@code Math.exp} per value cannot be. NaN stays NaN.
 */
final class HeapSigmoid {

    private static final float LIMIT = 7.9f;
    private static final float P1 = 0.13128119707107544f;
    private static final float P2 = 0.0031536335591226816f;
    private static final float P3 = 1.1689371604006737e-05f;
    private static final float P4 = -2.2524833553916324e-08f;
    private static final float P5 = 6.482490932935292e-11f;
    private static final float P6 = -1.1923474089580582e-13f;
    private static final float Q1 = 0.46461451053619385f;
    private static final float Q2 = 0.024691831320524216f;
    private static final float Q3 = 0.00026193109806627035f;

    private HeapSigmoid() {}

    /** {@code out[i] = sigmoid(in[i])} for {@code from ≤ i < to}. */
    static void apply(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            float y = Math.min(LIMIT, Math.max(-LIMIT, 0.5f * in[i]));
            float t = y * y;
            float p = (((((P6 * t + P5) * t + P4) * t + P3) * t + P2) * t + P1) * t + 1f;
            float q = ((Q3 * t + Q2) * t + Q1) * t + 1f;
            out[i] = 0.5f + 0.5f * (y * p / q);
        }
    }
}
