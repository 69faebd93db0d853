package io.github.explain4j.djl.adversarial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.adversarial.RobustnessCurve;
import io.github.explain4j.api.Provenance;
import io.github.explain4j.djl.ExplainableModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Accuracy under attack against the budget ε over a data set — the robustness curve of Madry et al. (ICLR 2018,
 * Figure 4) and of Carlini et al., "On Evaluating Adversarial Robustness" (2019), who ask for accuracy against
 * the whole range of ε rather than at one point.
 *
 * <pre>{@code
 * RobustnessCurve curve = AccuracyUnderAttack.of(Pgd.linf(0.1).steps(40))
 *         .epsilons(0.01, 0.02, 0.05, 0.1).batchSize(250).evaluate(model, images, labels);
 * Heatmaps.write(curve.plot("FashionNet, PGD-40 L∞", 640, 420), Path.of("robustness.png"));
 * }</pre>
 *
 * <p>For each ε in increasing order the attack (with that ε; its other settings kept, derived defaults such as
 * PGD's step size following ε) runs on the images still classified correctly, {@code batchSize} at a time. It
 * counts an image as broken at the first iterate the model misclassifies (the image leaves its batch there: the
 * iterate lies in the ε-ball and the pixel range, so an adversarial example exists), and as broken at every
 * larger ε too, since the same example lies in every larger ball. An image the model gets wrong unperturbed is
 * wrong at every ε. So the curve never rises, and each point is the accuracy under the strongest of the attacks
 * run up to that ε. Progress (images × budgets) goes to the model's listener; interrupting the thread cancels.
 */
public final class AccuracyUnderAttack {

    private final GradientAttack attack;
    private final double[] epsilons;
    private final int batchSize;

    private AccuracyUnderAttack(GradientAttack attack, double[] epsilons, int batchSize) {
        this.attack = attack;
        this.epsilons = epsilons;
        this.batchSize = batchSize;
    }

    /** Evaluates {@code attack} at its own ε (set others with {@link #epsilons}); 256 images per batch. */
    public static AccuracyUnderAttack of(GradientAttack attack) {
        Objects.requireNonNull(attack, "attack was null; pass e.g. Pgd.linf(0.1)");
        return new AccuracyUnderAttack(attack, new double[] {attack.epsilon()}, 256);
    }

    /**
     * The budgets, in pixel units, strictly increasing (0 may come first: the clean accuracy).
     *
     * @throws IllegalArgumentException for none, a negative or non-finite value, or values out of order
     */
    public AccuracyUnderAttack epsilons(double... budgets) {
        if (budgets == null || budgets.length == 0) {
            throw new IllegalArgumentException("no budgets were given; pass one or more ε in pixel units, e.g. 0.05,"
                    + " 0.1");
        }
        for (int i = 0; i < budgets.length; i++) {
            Plan.checkEpsilon(budgets[i]);
            if (i > 0 && !(budgets[i] > budgets[i - 1])) {
                throw new IllegalArgumentException("budgets were " + Arrays.toString(budgets) + "; expected strictly"
                        + " increasing values (each ε's broken images count as broken at the larger ones)");
            }
        }
        return new AccuracyUnderAttack(attack, budgets.clone(), batchSize);
    }

    /** How many images go through the model at once (256 by default); it overrides the attack's own. */
    public AccuracyUnderAttack batchSize(int images) {
        Plan.checkBatchSize(images);
        return new AccuracyUnderAttack(attack, epsilons, images);
    }

    /**
     * The curve over {@code images} (pixel images, {@code C × H × W} values in [0, 1] each) with their
     * {@code labels}.
     *
     * @throws IllegalArgumentException for images of the wrong size or outside [0, 1], or labels out of range
     */
    public RobustnessCurve evaluate(ExplainableModel model, List<float[]> images, int[] labels) {
        Objects.requireNonNull(model, "model");
        GradientAttack.checkImages(images, model.spec());
        int n = images.size();
        GradientAttack.checkClasses(labels, n, model.numClasses(), "label", "labels");
        long start = System.nanoTime();
        String task = "accuracy under " + attack.name();
        long total = (long) n * (epsilons.length + 1);
        long[] done = {0};
        java.util.function.IntConsumer advance = count -> {
            done[0] += count;
            model.progress().progress(task, done[0], total);
        };
        ProjectedSteps.Work work = new ProjectedSteps.Work();
        // the images still classified correctly
        int[] alive = correct(model, images, labels, batchSize);
        int cleanCorrect = alive.length;
        advance.accept(n);
        int[] correct = new int[epsilons.length];
        for (int e = 0; e < epsilons.length; e++) {
            int before = alive.length;
            if (epsilons[e] > 0 && alive.length > 0) {
                Plan p = attack.epsilon(epsilons[e]).plan();
                Plan plan = new Plan(p.norm(), p.epsilon(), p.steps(), p.stepSize(), p.randomStart(), p.seed(),
                        batchSize, true);
                alive = survivors(model, images, labels, alive, plan, task, work, advance);
            } else {
                advance.accept(before);
            }
            correct[e] = alive.length;
            // the images not attacked at this ε (already wrong) count as done
            advance.accept(n - before);
        }
        Map<String, String> parameters = new LinkedHashMap<>(attack.parameters());
        parameters.remove("epsilon");
        parameters.put("epsilons", Arrays.toString(epsilons));
        parameters.put("batchSize", String.valueOf(batchSize));
        Plan plan = attack.plan();
        Provenance provenance = new Provenance(attack.name(), parameters, plan.randomStart()
                ? OptionalLong.of(plan.seed()) : OptionalLong.empty(), model.engine(), model.name(),
                "each image's label", -1);
        return new RobustnessCurve(attack.norm(), epsilons, correct, n, cleanCorrect, work.imagePasses,
                (System.nanoTime() - start) / 1e9, provenance);
    }

    /** The images of {@code which} that survive {@code plan}, as indices into the set. */
    private static int[] survivors(ExplainableModel model, List<float[]> images, int[] labels, int[] which, Plan plan,
            String task, ProjectedSteps.Work work, java.util.function.IntConsumer done) {
        int[] keep = new int[which.length];
        int[] kept = {0};
        int per = images.get(0).length;
        model.call(scope -> {
            for (int first = 0; first < which.length; first += plan.batchSize()) {
                int count = Math.min(plan.batchSize(), which.length - first);
                float[] pixels = new float[count * per];
                int[] classes = new int[count];
                for (int i = 0; i < count; i++) {
                    System.arraycopy(images.get(which[first + i]), 0, pixels, i * per, per);
                    classes[i] = labels[which[first + i]];
                }
                try (NDManager chunk = scope.newSubManager()) {
                    NDArray x = ProjectedSteps.run(model, chunk, pixels, classes, false, plan,
                            Arrays.copyOfRange(which, first, first + count), task, step -> { }, work);
                    int[] predicted = GradientAttack.probabilities(model, chunk, x).argMax(1)
                            .toType(DataType.INT32, false).toIntArray();
                    for (int i = 0; i < count; i++) {
                        if (predicted[i] == classes[i]) {
                            keep[kept[0]++] = which[first + i];
                        }
                    }
                }
                done.accept(count);
            }
            return null;
        });
        return Arrays.copyOf(keep, kept[0]);
    }

    /** The indices of the images the model classifies correctly unperturbed. */
    private static int[] correct(ExplainableModel model, List<float[]> images, int[] labels, int batch) {
        int n = images.size();
        int[] keep = new int[n];
        int[] kept = {0};
        model.call(scope -> {
            for (int first = 0; first < n; first += batch) {
                int count = Math.min(batch, n - first);
                try (NDManager chunk = scope.newSubManager()) {
                    float[] pixels = GradientAttack.heap(images, first, count);
                    int[] predicted = GradientAttack.probabilities(model, chunk,
                            ProjectedSteps.batch(chunk, model, pixels, count)).argMax(1)
                            .toType(DataType.INT32, false).toIntArray();
                    for (int i = 0; i < count; i++) {
                        if (predicted[i] == labels[first + i]) {
                            keep[kept[0]++] = first + i;
                        }
                    }
                }
            }
            return null;
        });
        return Arrays.copyOf(keep, kept[0]);
    }

    @Override
    public String toString() {
        return "accuracy under " + attack + " at ε " + Arrays.toString(epsilons);
    }
}
