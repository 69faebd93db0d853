package io.github.explain4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The resize policy is an immutable setting of the spec, stretch by default. */
class InputSpecTest {

    @Test
    void specsStretchByDefault() {
        assertEquals(ResizePolicy.STRETCH, InputSpec.rgb(224, 224).resize());
        assertEquals(ResizePolicy.STRETCH, InputSpec.grey(48, 48).resize());
        assertEquals(ResizePolicy.STRETCH,
                new InputSpec(1, 8, 8, new float[] {0.5f}, new float[] {2}, List.of("a")).resize());
    }

    @Test
    void theWitherChangesOnlyThePolicy() {
        InputSpec base = InputSpec.rgb(32, 16).normalized(new float[] {1, 2, 3}, new float[] {4, 5, 6})
                .withLabels(List.of("cat", "dog"));
        InputSpec cropped = base.resize(ResizePolicy.CENTER_CROP);
        assertEquals(ResizePolicy.CENTER_CROP, cropped.resize());
        assertEquals(ResizePolicy.STRETCH, base.resize(), "the original is unchanged");
        assertEquals(3, cropped.channels());
        assertEquals(32, cropped.height());
        assertEquals(16, cropped.width());
        assertArrayEquals(new float[] {1, 2, 3}, cropped.mean());
        assertArrayEquals(new float[] {4, 5, 6}, cropped.std());
        assertEquals(List.of("cat", "dog"), cropped.labels());
    }

    @Test
    void theOtherWithersKeepThePolicy() {
        InputSpec boxed = InputSpec.grey(4, 4).resize(ResizePolicy.LETTERBOX);
        assertEquals(ResizePolicy.LETTERBOX, boxed.normalized(new float[] {0.5f}, new float[] {0.25f}).resize());
        assertEquals(ResizePolicy.LETTERBOX, boxed.withLabels(List.of("x")).resize());
    }

    @Test
    void thePolicyTakesPartInEqualityAndText() {
        InputSpec stretch = InputSpec.rgb(2, 2);
        assertEquals(stretch, InputSpec.rgb(2, 2).resize(ResizePolicy.STRETCH));
        assertEquals(stretch.hashCode(), InputSpec.rgb(2, 2).resize(ResizePolicy.STRETCH).hashCode());
        assertNotEquals(stretch, stretch.resize(ResizePolicy.CENTER_CROP));
        assertNotEquals(stretch.resize(ResizePolicy.LETTERBOX), stretch.resize(ResizePolicy.CENTER_CROP));
        assertTrue(stretch.resize(ResizePolicy.LETTERBOX).toString().contains("resize LETTERBOX"),
                stretch.resize(ResizePolicy.LETTERBOX).toString());
    }

    @Test
    void aMissingPolicySaysWhatToUse() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> InputSpec.rgb(2, 2).resize(null));
        assertTrue(e.getMessage().contains("ResizePolicy.STRETCH"), e.getMessage());
    }
}
