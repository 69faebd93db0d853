package io.github.explain4j.djl.optim;

/**
 * One Adam step on heap parameters (D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
 * β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸), in double precision, with the bias corrections folded into the step size as the
 * paper's section 2 suggests: {@code θ += rate·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε·√(1−β₂ᵗ))}, which is
 * {@code rate · m̂ / (√v̂ + ε)} with one division per value. Values in parallel parts ({@link HeapLoops}).
 */
final class HeapAdam {

    private static final double B1 = 0.9;
    private static final double B2 = 0.999;

    private HeapAdam() {}

    /**
     * Updates {@code theta} in place and the moments {@code first}, {@code second}, for the gradient plus, when not
     * {@code null}, {@code extra}; {@code rate} > 0 ascends, < 0 descends; {@code step} counts from 1.
     */
    static void step(float[] theta, double[] first, double[] second, float[] gradient, double[] extra, double rate,
            int step) {
        double root = Math.sqrt(1 - Math.pow(B2, step));
        double size = rate * root / (1 - Math.pow(B1, step));
        double epsilon = 1e-8 * root;
        HeapLoops.forChunks(theta.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                double g = extra == null ? gradient[i] : gradient[i] + extra[i];
                double m = B1 * first[i] + (1 - B1) * g;
                double v = B2 * second[i] + (1 - B2) * g * g;
                first[i] = m;
                second[i] = v;
                theta[i] = (float) (theta[i] + size * m / (Math.sqrt(v) + epsilon));
            }
        });
    }
}
