package io.github.explain4j.adversarial;

import io.github.explain4j.api.Provenance;
import io.github.explain4j.render.LinePlot;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Accuracy under attack against the perturbation budget ε over a data set: for each ε, the fraction of images the
 * model still classifies correctly after the attack at that ε (an image the model gets wrong unperturbed counts
 * as wrong at every ε). A heap value.
 *
 * @param norm the norm of the budgets
 * @param epsilons the budgets, in pixel units, increasing
 * @param correct for each budget, the number of images still classified correctly
 * @param images the number of images evaluated
 * @param cleanCorrect the number classified correctly without perturbation
 * @param passes the forward+backward passes (traces) the attacks ran, summed over images' batches
 * @param seconds the wall time of the evaluation
 * @param provenance the attack and its settings, seed, engine and model
 */
public record RobustnessCurve(Norm norm, double[] epsilons, int[] correct, int images, int cleanCorrect, long passes,
        double seconds, Provenance provenance) {

    /** Checks and copies the values. */
    public RobustnessCurve {
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(provenance, "provenance");
        if (epsilons.length != correct.length || epsilons.length == 0) {
            throw new IllegalArgumentException(epsilons.length + " budgets and " + correct.length + " counts; expected"
                    + " one count per budget, at least one");
        }
        epsilons = epsilons.clone();
        correct = correct.clone();
    }

    /** The accuracy at each budget. */
    public double[] accuracy() {
        return Arrays.stream(correct).mapToDouble(c -> images == 0 ? Double.NaN : c / (double) images).toArray();
    }

    /** The accuracy without perturbation. */
    public double cleanAccuracy() {
        return images == 0 ? Double.NaN : cleanCorrect / (double) images;
    }

    @Override
    public double[] epsilons() {
        return epsilons.clone();
    }

    @Override
    public int[] correct() {
        return correct.clone();
    }

    /**
     * The curve drawn as a line plot (ε on x, accuracy on y in [0, 1]), starting at the clean accuracy for ε = 0
     * when the budgets do not include 0; write it with {@code Heatmaps.write}.
     */
    public BufferedImage plot(String title, int width, int height) {
        boolean zero = epsilons[0] == 0;
        double[] x = new double[epsilons.length + (zero ? 0 : 1)];
        double[] y = new double[x.length];
        double[] acc = accuracy();
        if (!zero) {
            y[0] = cleanAccuracy();
        }
        System.arraycopy(epsilons, 0, x, zero ? 0 : 1, epsilons.length);
        System.arraycopy(acc, 0, y, zero ? 0 : 1, acc.length);
        return LinePlot.titled(title).axes("ε (" + norm.symbol() + ", pixel units in [0, 1])", "accuracy")
                .yRange(0, 1).series(provenance.method(), x, y).render(width, height);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s %s on %s/%s, %d images, clean %.4f:",
                provenance.method(), norm.symbol(), provenance.engine(), provenance.model(), images, cleanAccuracy()));
        double[] acc = accuracy();
        for (int i = 0; i < epsilons.length; i++) {
            sb.append(String.format(Locale.ROOT, " ε=%.4g→%.4f", epsilons[i], acc[i]));
        }
        return sb.append(String.format(Locale.ROOT, " (%d passes, %.1f s)", passes, seconds)).toString();
    }
}
