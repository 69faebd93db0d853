package io.github.explain4j.render;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The line plot's rules. */
class LinePlotTest {

    @Test
    void ticksAreRoundAndCoverTheRange() {
        for (double[] r : new double[][] {{0, 0.15}, {0, 1}, {-0.05, 1.05}, {3, 1234}, {0.001, 0.0042}}) {
            double[] t = PlotAxes.ticks(r[0], r[1]);
            assertTrue(t.length >= 3 && t.length <= 11, java.util.Arrays.toString(t));
            assertTrue(t[0] >= r[0] - 1e-12 && t[t.length - 1] <= r[1] + 1e-12, java.util.Arrays.toString(t));
            double step = t[1] - t[0];
            double mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
            assertTrue(Math.abs(mantissa - 1) < 1e-6 || Math.abs(mantissa - 2) < 1e-6 || Math.abs(mantissa - 5) < 1e-6,
                    "step " + step);
        }
    }

    @Test
    void badSeriesAndSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LinePlot.titled("t").series("s", new double[2],
                new double[3]));
        assertThrows(IllegalArgumentException.class, () -> LinePlot.titled("t").series("s", new double[] {0},
                new double[] {Double.NaN}));
        assertThrows(IllegalStateException.class, () -> LinePlot.titled("t").render(300, 200));
        assertThrows(IllegalArgumentException.class, () -> LinePlot.titled("t").yRange(1, 0));
    }
}
