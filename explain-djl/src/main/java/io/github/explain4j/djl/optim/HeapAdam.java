package io.github.explain4j.djl.optim;

/**
 * One Adam step on heap parameters (D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
 * β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸), with the bias corrections folded into the step size as the paper's section 2
 * suggests: {@code θ += rate·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε·√(1−β₂ᵗ))}, which is {@code rate · m̂ / (√v̂ + ε)} with one
 * division per value. In single precision, as the engines' own Adam on float32 parameters: a loop of floats alone
 * is one the JIT vectorises, where conversions between float and double in each iteration serialise it. Values in
 * parallel parts ({@link HeapLoops}).
 */
final class HeapAdam {

    private static final double B1 = 0.9;
    private static final double B2 = 0.999;

    private HeapAdam() {}

    /**
     * Updates {@code theta} in place and the moments {@code first}, {@code second} for {@code gradient};
     * {@code rate} > 0 ascends, < 0 descends; {@code step} counts from 1.
     */
    static void step(float[] theta, float[] first, float[] second, float[] gradient, double rate, int step) {
        double root = Math.sqrt(1 - Math.pow(B2, step));
        float size = (float) (rate * root / (1 - Math.pow(B1, step)));
        float epsilon = (float) (1e-8 * root);
        float b1 = (float) B1;
        float a1 = (float) (1 - B1);
        float b2 = (float) B2;
        float a2 = (float) (1 - B2);
        HeapLoops.forChunks(theta.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                float g = gradient[i];
                float m = b1 * first[i] + a1 * g;
                float v = b2 * second[i] + a2 * g * g;
                first[i] = m;
                second[i] = v;
                theta[i] += size * m / ((float) Math.sqrt(v) + epsilon);
            }
        });
    }
}
