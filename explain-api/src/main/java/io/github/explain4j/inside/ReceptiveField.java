package io.github.explain4j.inside;

import java.util.List;
import java.util.Objects;

/**
 * Which input pixels a layer's unit can see. Along each axis the unit at index {@code i} depends on input pixels
 * {@code start + i·jump … start + i·jump + size − 1} before clipping ({@link #jumpY()}, {@link #startY()},
 * {@link #sizeY()}); {@link #box} gives the exact box, clipped layer by layer (a unit near the border whose window
 * reaches into a layer's padding sees less, and a dilated window's last tap inside the input bounds it). Exact for networks of
 * convolutions, pooling, padding, pointwise layers and residual sums (the hull of the branches); a layer after a
 * dense layer or a global pooling sees the whole image ({@link #global()}).
 *
 * @param layer the layer's path
 * @param imageHeight the input's height
 * @param imageWidth the input's width
 * @param jumpY the distance in input pixels between neighbouring units, rows
 * @param jumpX the same, columns
 * @param startY where unit 0's field starts before clipping, rows (negative where it reaches into padding)
 * @param startX the same, columns
 * @param sizeY the field's extent before clipping, rows
 * @param sizeX the same, columns
 * @param global whether every unit sees the whole image
 * @param rows the windows from the input to the layer along the rows, in order
 * @param columns the same along the columns
 */
public record ReceptiveField(String layer, int imageHeight, int imageWidth, int jumpY, int jumpX, int startY,
        int startX, int sizeY, int sizeX, boolean global, List<Window> rows, List<Window> columns) {

    /** One layer's window along one axis, mapping an interval of its output units to an interval of its input. */
    public sealed interface Window {
        /** The input interval {@code {lo, hi}} the output units {@code lo … hi} read, clipped to the input. */
        int[] back(int lo, int hi);
    }

    /**
     * A sliding window: output unit {@code i} reads inputs {@code i·stride − pad + t·dilation} for
     * {@code t = 0 … kernel − 1}, of an input {@code inputLength} long (taps outside it are padding).
     */
    public record Slide(int kernel, int dilation, int stride, int pad, int inputLength) implements Window {
        @Override
        public int[] back(int lo, int hi) {
            int first = lo * stride - pad;
            if (first < 0) {
                first += ((-first + dilation - 1) / dilation) * dilation;
            }
            int last = hi * stride - pad + (kernel - 1) * dilation;
            if (last > inputLength - 1) {
                last -= ((last - inputLength + 1 + dilation - 1) / dilation) * dilation;
            }
            return new int[] {first, last};
        }
    }

    /** Parallel branches joined position by position (a residual sum): the hull of what each branch reads. */
    public record Branches(List<List<Window>> branches) implements Window {
        /** Copies the branches. */
        public Branches {
            branches = branches.stream().map(List::copyOf).toList();
        }

        @Override
        public int[] back(int lo, int hi) {
            int[] out = null;
            for (List<Window> chain : branches) {
                int[] b = ReceptiveField.back(chain, lo, hi);
                out = out == null ? b : new int[] {Math.min(out[0], b[0]), Math.max(out[1], b[1])};
            }
            return out == null ? new int[] {lo, hi} : out;
        }
    }

    /** Checks and copies the values. */
    public ReceptiveField {
        Objects.requireNonNull(layer, "layer");
        if (imageHeight < 1 || imageWidth < 1 || jumpY < 1 || jumpX < 1 || sizeY < 1 || sizeX < 1) {
            throw new IllegalArgumentException("receptive field of '" + layer + "' has image " + imageHeight + "×"
                    + imageWidth + ", jump " + jumpY + "×" + jumpX + ", size " + sizeY + "×" + sizeX
                    + "; all must be at least 1");
        }
        rows = List.copyOf(rows);
        columns = List.copyOf(columns);
    }

    /** The input box unit {@code (y, x)} sees: {@code {top, left, bottom, right}}, inclusive. */
    public int[] box(int y, int x) {
        if (global) {
            return new int[] {0, 0, imageHeight - 1, imageWidth - 1};
        }
        int[] r = back(rows, y, y);
        int[] c = back(columns, x, x);
        return new int[] {r[0], c[0], r[1], c[1]};
    }

    private static int[] back(List<Window> chain, int lo, int hi) {
        int[] at = {lo, hi};
        for (int i = chain.size() - 1; i >= 0; i--) {
            at = chain.get(i).back(at[0], at[1]);
        }
        return at;
    }
}
