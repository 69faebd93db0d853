package io.github.explain4j.djl.reliability;

import io.github.explain4j.api.Attribution;
import io.github.explain4j.data.SyntheticShapes;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** What the reliability tests share: held-out synthetic images and a check that a reference map is real. */
final class ReliabilityFixtures {

    private ReliabilityFixtures() {}

    /** {@code count} held-out 64×64 shapes images, starting at index {@code from} of the test seed. */
    static List<BufferedImage> heldOutShapes(int from, int count) {
        List<BufferedImage> images = new ArrayList<>();
        SyntheticShapes.create(64).samples(SyntheticShapes.TEST_SEED, from, count).forEach(s -> images.add(s.image()));
        return images;
    }

    /** The largest absolute value of a map (NaN if it holds one). */
    static double peak(Attribution a) {
        double m = 0;
        for (float v : a.values()) {
            m = Float.isNaN(v) ? Double.NaN : Math.max(m, Math.abs(v));
        }
        return m;
    }
}
