package io.github.explain4j.render;

import io.github.explain4j.embed.Embedding;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A scatter plot of labelled points drawn with {@code java.awt} only, in the look of {@link LinePlot}: points
 * coloured by class (the ten "tab10" colours, repeating after ten classes), linear axes with ticks, axis labels, a
 * title and a legend of class names to the right of the frame — e.g. a t-SNE {@link Embedding} of a dataset's
 * features (van der Maaten &amp; Hinton 2008). Immutable; the withers return new plots. Points are drawn in their
 * order, later ones on top. Write the image with {@link Heatmaps#write}.
 *
 * <pre>{@code
 * BufferedImage png = ScatterPlot.of(embedding, List.of(FashionMnist.LABELS)).render(900, 700);
 * }</pre>
 */
public final class ScatterPlot {

    /** The colours of classes 0–9 (matplotlib's "tab10"); class {@code k} gets {@code PALETTE[k % 10]}. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
    };

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<String> classNames;
    private final double[] x;
    private final double[] y;
    private final int[] labels;
    private final int pointSize;

    private ScatterPlot(String title, String xLabel, String yLabel, List<String> classNames, double[] x, double[] y,
            int[] labels, int pointSize) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.classNames = List.copyOf(classNames);
        this.x = x;
        this.y = y;
        this.labels = labels;
        this.pointSize = pointSize;
    }

    /** An empty plot with a title. */
    public static ScatterPlot titled(String title) {
        return new ScatterPlot(Objects.requireNonNull(title, "title"), "", "", List.of(), new double[0],
                new double[0], new int[0], 4);
    }

    /**
     * A plot of an embedding: titled by its method, its labels as classes (class 0 for all when it has none).
     *
     * @param embedding the points
     * @param classNames the legend's names, indexed by label (classes beyond them are called "class k")
     * @return the plot
     */
    public static ScatterPlot of(Embedding embedding, List<String> classNames) {
        int n = embedding.size();
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = embedding.x(i);
            ys[i] = embedding.y(i);
        }
        int[] labels = embedding.hasLabels() ? embedding.labels() : new int[n];
        String[] axis = embedding.method().startsWith("PCA") ? new String[] {"PC 1", "PC 2"}
                : new String[] {embedding.method() + " 1", embedding.method() + " 2"};
        return titled(String.format(Locale.ROOT, "%s of %,d points", embedding.method(), n)).axes(axis[0], axis[1])
                .classes(classNames).points(xs, ys, labels);
    }

    /** The axes' labels. */
    public ScatterPlot axes(String x, String y) {
        return new ScatterPlot(title, Objects.requireNonNull(x, "x label"), Objects.requireNonNull(y, "y label"),
                classNames, this.x, this.y, labels, pointSize);
    }

    /** The legend's class names, indexed by label. */
    public ScatterPlot classes(List<String> names) {
        return new ScatterPlot(title, xLabel, yLabel, Objects.requireNonNull(names, "class names"), x, y, labels,
                pointSize);
    }

    /**
     * The points: {@code (x[i], y[i])} of class {@code labels[i]}; replaces earlier ones.
     *
     * @param x first coordinates
     * @param y second coordinates
     * @param labels classes, ≥ 0
     * @return the plot
     */
    public ScatterPlot points(double[] x, double[] y, int[] labels) {
        if (x.length != y.length || x.length != labels.length || x.length == 0) {
            throw new IllegalArgumentException("there were " + x.length + " x values, " + y.length + " y values and "
                    + labels.length + " labels; expected the same positive number");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("point " + i + " is (" + x[i] + ", " + y[i]
                        + "); expected finite values");
            }
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + i + " was " + labels[i] + "; expected a class ≥ 0");
            }
        }
        return new ScatterPlot(title, xLabel, yLabel, classNames, x.clone(), y.clone(), labels.clone(), pointSize);
    }

    /** The diameter of the points' dots in pixels (default 4). */
    public ScatterPlot pointSize(int pixels) {
        if (pixels < 1 || pixels > 50) {
            throw new IllegalArgumentException("point size was " + pixels + "; expected 1 to 50 pixels, e.g. 4");
        }
        return new ScatterPlot(title, xLabel, yLabel, classNames, x, y, labels, pixels);
    }

    /** The colour of class {@code label}. */
    public static Color classColour(int label) {
        return PALETTE[Math.floorMod(label, PALETTE.length)];
    }

    /** The legend's name of class {@code label}. */
    private String className(int label) {
        return label < classNames.size() ? classNames.get(label) : "class " + label;
    }

    /** The frame: left, top, right, bottom. */
    private int[] frame(int width, int height, FontMetrics fm) {
        int legend = 0;
        for (int c : present()) {
            legend = Math.max(legend, fm.stringWidth(className(c)));
        }
        return new int[] {64, 36, width - 16 - (legend + 34), height - 48};
    }

    /** The classes present, ascending. */
    private int[] present() {
        return java.util.Arrays.stream(labels).distinct().sorted().toArray();
    }

    /**
     * Where a data point is drawn on a rendered {@code width × height} plot (the centre of its dot).
     *
     * @param px the point's first coordinate
     * @param py its second coordinate
     * @param width the image's width, as given to {@link #render(int, int)}
     * @param height its height
     * @return the pixel
     */
    public Point position(double px, double py, int width, int height) {
        checkRenderable(width, height);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int[] f = frame(width, height, g.getFontMetrics());
            return new Point((int) Math.floor(PlotAxes.x(px, range(x), f[0], f[2])),
                    (int) Math.floor(PlotAxes.y(py, range(y), f[1], f[3])));
        } finally {
            g.dispose();
        }
    }

    private void checkRenderable(int width, int height) {
        if (width < 240 || height < 150) {
            throw new IllegalArgumentException("plot size was " + width + "×" + height + "; expected at least 240×150");
        }
        if (x.length == 0) {
            throw new IllegalStateException("the plot has no points; add them with points(x, y, labels)");
        }
    }

    /** Draws the plot on a white {@code width × height} image. */
    public BufferedImage render(int width, int height) {
        checkRenderable(width, height);
        double[] xr = range(x);
        double[] yr = range(y);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            FontMetrics fm = PlotAxes.canvas(g, width, height, title);
            int[] f = frame(width, height, fm);
            int left = f[0];
            int top = f[1];
            int right = f[2];
            int bottom = f[3];
            PlotAxes.draw(g, fm, xr, yr, left, top, right, bottom, height, xLabel, yLabel);
            double r = pointSize / 2.0;
            for (int i = 0; i < x.length; i++) {
                // the dot's centre is the middle of the pixel position(...) names
                double cx = Math.floor(PlotAxes.x(x[i], xr, left, right)) + 0.5;
                double cy = Math.floor(PlotAxes.y(y[i], yr, top, bottom)) + 0.5;
                g.setColor(classColour(labels[i]));
                g.fill(new Ellipse2D.Double(cx - r, cy - r, pointSize, pointSize));
            }
            // legend, right of the frame
            int ly = top + 4;
            for (int c : present()) {
                String name = className(c);
                int lx = right + 14;
                g.setColor(classColour(c));
                g.fillOval(lx, ly + fm.getAscent() / 2 - 4, 9, 9);
                g.setColor(Color.BLACK);
                g.drawString(name, lx + 16, ly + fm.getAscent());
                ly += fm.getHeight() + 2;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The data's range, padded by 5 % (a single value gets ±0.5). */
    private static double[] range(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        if (min == max) {
            return new double[] {min - 0.5, max + 0.5};
        }
        double pad = 0.05 * (max - min);
        return new double[] {min - pad, max + pad};
    }



}
