package io.github.explain4j.djl.adversarial;

import io.github.explain4j.adversarial.Norm;

/**
 * What the projected-gradient loop runs, resolved from an attack's settings: {@code steps} steps of size
 * {@code stepSize} (in pixel units) under {@code norm}, from a random point of the ε-ball or from the image; with
 * {@code stopWhenFooled}, an image leaves the batch at the first iterate the model misclassifies.
 */
record Plan(Norm norm, double epsilon, int steps, double stepSize, boolean randomStart, long seed, int batchSize,
        boolean stopWhenFooled) {

    /** The checks every attack's budget passes. */
    static void checkEpsilon(double epsilon) {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon was " + epsilon + "; expected a finite budget ≥ 0 in pixel"
                    + " units of the unnormalised image, whose values are in [0, 1] (e.g. 8/255 ≈ 0.031 for L∞)");
        }
    }

    static void checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps was " + steps + "; expected 1 or more (Madry et al. use 40 on"
                    + " MNIST)");
        }
    }

    static void checkStepSize(double stepSize) {
        if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
            throw new IllegalArgumentException("step size was " + stepSize + "; expected a positive finite number in"
                    + " pixel units (e.g. 2.5·ε/steps, or 1/255)");
        }
    }

    static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size was " + batchSize + "; expected 1 or more images per"
                    + " pass");
        }
    }
}
