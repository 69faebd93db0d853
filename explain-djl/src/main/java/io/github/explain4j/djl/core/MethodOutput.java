package io.github.explain4j.djl.core;

import java.util.List;
import java.util.Map;

/**
 * What a method computes for a batch, on the heap: one {@code C×H×W} map per input, the class each explained
 * (or {@code -1}) and per-input diagnostic numbers.
 *
 * @param maps one map per input, channel-first
 * @param channels channels of each map
 * @param height height of each map
 * @param width width of each map
 * @param classes the class explained for each input, {@code -1} for custom targets
 * @param diagnostics per input, method-specific numbers (may be empty maps)
 */
public record MethodOutput(
        float[][] maps, int channels, int height, int width, int[] classes, List<Map<String, Double>> diagnostics) {

    /** An output without diagnostics. */
    public static MethodOutput of(float[][] maps, int channels, int height, int width, int[] classes) {
        return new MethodOutput(maps, channels, height, width, classes,
                java.util.Collections.nCopies(maps.length, Map.of()));
    }
}
