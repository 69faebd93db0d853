package io.github.explain4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An ordered set of random {@link Transform}s applied at each optimisation step; an immutable value.
 *
 * <p>{@link #standard()} follows Lucid's {@code transforms.standard_transforms} with its pixel sizes turned into
 * fractions of a 224-pixel side, so that small models are not washed out by fixed 12-pixel pads: pad 5 %,
 * jitter 3.5 %, scale 0.9–1.1 (11 factors), rotate −10°..10° (21 angles, with 0° weighted as Lucid), jitter 2 %.
 * Upsampling is not part of it; an engine binding offers it separately, opt-in.
 */
public final class Transforms {

    private final List<Transform> steps;

    private Transforms(List<Transform> steps) {
        this.steps = List.copyOf(steps);
    }

    /** No transform: the image is optimised as it is. */
    public static Transforms none() {
        return new Transforms(List.of());
    }

    /** These transforms, in this order. */
    public static Transforms of(Transform... steps) {
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] == null) {
                throw new IllegalArgumentException("transform " + i + " was null");
            }
        }
        return new Transforms(Arrays.asList(steps));
    }

    /** Lucid's standard set, scaled to the image size (see the class comment). */
    public static Transforms standard() {
        double[] scales = new double[11];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = 1 + (i - 5) / 50.0;
        }
        double[] angles = new double[26];
        for (int i = 0; i < 21; i++) {
            angles[i] = i - 10;
        }
        // five more zeros: no rotation is drawn more often, as Lucid's list does
        return of(Transform.pad(0.05), Transform.jitter(0.035), Transform.scale(scales), Transform.rotate(angles),
                Transform.jitter(0.02));
    }

    /** The same followed by {@code more}. */
    public Transforms then(Transform... more) {
        List<Transform> all = new ArrayList<>(steps);
        all.addAll(of(more).steps);
        return new Transforms(all);
    }

    /** The transforms, in order. */
    public List<Transform> steps() {
        return steps;
    }

    /** A readable description, e.g. {@code "pad(5%) → jitter(3.5%)"}; {@code "none"} when empty. */
    public String description() {
        return steps.isEmpty() ? "none" : steps.stream().map(Transform::description)
                .collect(Collectors.joining(" → "));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transforms t && t.steps.equals(steps);
    }

    @Override
    public int hashCode() {
        return steps.hashCode();
    }

    @Override
    public String toString() {
        return description();
    }
}
