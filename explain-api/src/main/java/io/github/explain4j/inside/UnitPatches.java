package io.github.explain4j.inside;

import io.github.explain4j.render.Heatmaps;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Zeiler & Fergus' picture of a layer: for each unit (channel), the image patches of its top activations over a
 * dataset, each cropped to the unit's exact receptive field, beside the deconvnet projection of that single
 * activation down to the pixels. Heap images, with the hits they came from.
 *
 * @param layer the layer's path
 * @param model the model's name
 * @param units per channel shown, its patches best first
 */
public record UnitPatches(String layer, String model, Map<Integer, List<Patch>> units) {

    /**
     * One top activation, seen in the image.
     *
     * @param hit the activation and where it is
     * @param box the receptive field in input pixels, {@code {top, left, bottom, right}} inclusive
     * @param patch the input image (at the model's input size) cropped to {@code box}
     * @param projection the deconvnet projection of the activation, cropped to {@code box}: grey 0.5 is zero, each
     *     projection scaled by its own largest magnitude
     * @param projectionInside the share of the projection's absolute mass inside {@code box} (1 when the
     *     receptive field is exact)
     */
    public record Patch(TopHits.Hit hit, int[] box, BufferedImage patch, BufferedImage projection,
            double projectionInside) {

        /** Checks and copies the box. */
        public Patch {
            Objects.requireNonNull(hit, "hit");
            Objects.requireNonNull(patch, "patch");
            Objects.requireNonNull(projection, "projection");
            box = box.clone();
        }

        /** The box (a copy). */
        @Override
        public int[] box() {
            return box.clone();
        }
    }

    /** Copies. */
    public UnitPatches {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(model, "model");
        Map<Integer, List<Patch>> copy = new java.util.LinkedHashMap<>();
        units.forEach((c, p) -> copy.put(c, List.copyOf(p)));
        units = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * The figure: for each unit its projections (left) and its patches (right), each set in a square of
     * {@code side × side} images scaled to {@code cell} pixels; {@code perRow} units side by side per row.
     *
     * @throws IllegalArgumentException unless {@code side}, {@code cell} and {@code perRow} are positive
     */
    public BufferedImage grid(int side, int cell, int perRow) {
        if (side < 1 || cell < 1 || perRow < 1) {
            throw new IllegalArgumentException("side was " + side + ", cell " + cell + " and perRow " + perRow
                    + "; expected positive sizes, e.g. 3, 32 and 4");
        }
        int gap = 2;
        int block = side * cell + (side - 1) * gap;
        int unitGap = 8;
        int label = 16;
        int unitWidth = 2 * block + unitGap;
        int unitHeight = block + label;
        int columns = Math.min(perRow, Math.max(1, units.size()));
        int rows = (units.size() + columns - 1) / columns;
        int width = columns * (unitWidth + 2 * unitGap) + unitGap;
        int height = rows * (unitHeight + unitGap) + unitGap;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(g.getFont().deriveFont((float) Heatmaps.CAPTION_FONT_SIZE));
        int u = 0;
        for (Map.Entry<Integer, List<Patch>> e : units.entrySet()) {
            int x0 = unitGap + (u % columns) * (unitWidth + 2 * unitGap);
            int y0 = unitGap + (u / columns) * (unitHeight + unitGap);
            List<Patch> ps = e.getValue();
            String best = ps.isEmpty() ? "" : String.format(java.util.Locale.ROOT, ", top %.3g",
                    ps.get(0).hit().value());
            g.setColor(Color.DARK_GRAY);
            g.drawString("unit " + e.getKey() + best, x0, y0 + label - 4);
            for (int i = 0; i < Math.min(ps.size(), side * side); i++) {
                int cx = x0 + (i % side) * (cell + gap);
                int cy = y0 + label + (i / side) * (cell + gap);
                g.drawImage(ps.get(i).projection(), cx, cy, cell, cell, null);
                g.drawImage(ps.get(i).patch(), cx + block + unitGap, cy, cell, cell, null);
            }
            u++;
        }
        g.dispose();
        return out;
    }

    /** The units shown, in order. */
    public List<Integer> unitList() {
        return new ArrayList<>(units.keySet());
    }
}
