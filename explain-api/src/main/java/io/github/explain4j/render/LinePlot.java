package io.github.explain4j.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A line plot drawn with {@code java.awt} only: one or more series of points joined by lines and marked by dots,
 * on linear axes with ticks, axis labels, a title and a legend — e.g. accuracy under attack against ε. Immutable;
 * the withers return new plots. Write the image with {@link Heatmaps#write}.
 *
 * <pre>{@code
 * BufferedImage png = LinePlot.titled("FashionNet under PGD L∞").axes("ε (pixel units)", "accuracy")
 *         .yRange(0, 1).series("PGD-40", eps, accuracy).render(640, 420);
 * }</pre>
 */
public final class LinePlot {

    /** The colours of successive series. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd)
    };

    private record Series(String name, double[] x, double[] y) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final double[] yRange;
    private final List<Series> series;

    private LinePlot(String title, String xLabel, String yLabel, double[] yRange, List<Series> series) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.yRange = yRange;
        this.series = List.copyOf(series);
    }

    /** An empty plot with a title. */
    public static LinePlot titled(String title) {
        return new LinePlot(Objects.requireNonNull(title, "title"), "", "", null, List.of());
    }

    /** The axes' labels. */
    public LinePlot axes(String x, String y) {
        return new LinePlot(title, Objects.requireNonNull(x, "x label"), Objects.requireNonNull(y, "y label"), yRange,
                series);
    }

    /** A fixed y range (by default the data's, padded). */
    public LinePlot yRange(double min, double max) {
        if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("y range was [" + min + ", " + max + "]; expected finite min < max");
        }
        return new LinePlot(title, xLabel, yLabel, new double[] {min, max}, series);
    }

    /** Adds a series: points {@code (x[i], y[i])}, drawn in the order given. */
    public LinePlot series(String name, double[] x, double[] y) {
        Objects.requireNonNull(name, "series name");
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values and " + y.length
                    + " y values; expected the same positive number");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("series '" + name + "' has the point (" + x[i] + ", " + y[i]
                        + ") at " + i + "; expected finite values");
            }
        }
        List<Series> all = new ArrayList<>(series);
        all.add(new Series(name, x.clone(), y.clone()));
        return new LinePlot(title, xLabel, yLabel, yRange, all);
    }

    /** Draws the plot on a white {@code width × height} image. */
    public BufferedImage render(int width, int height) {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("plot size was " + width + "×" + height + "; expected at least 200×150");
        }
        if (series.isEmpty()) {
            throw new IllegalStateException("the plot has no series; add one with series(name, x, y)");
        }
        double[] xr = range(true);
        double[] yr = yRange != null ? yRange : range(false);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            FontMetrics fm = PlotAxes.canvas(g, width, height, title);
            int left = 64;
            int right = width - 16;
            int top = 36;
            int bottom = height - 48;
            // grid and ticks
            PlotAxes.draw(g, fm, xr, yr, left, top, right, bottom, height, xLabel, yLabel);
            // series
            g.setClip(left - 4, top - 4, right - left + 9, bottom - top + 9);
            for (int s = 0; s < series.size(); s++) {
                Series line = series.get(s);
                g.setColor(PALETTE[s % PALETTE.length]);
                g.setStroke(new BasicStroke(2f));
                Path2D.Double path = new Path2D.Double();
                for (int i = 0; i < line.x().length; i++) {
                    double px = PlotAxes.x(line.x()[i], xr, left, right);
                    double py = PlotAxes.y(line.y()[i], yr, top, bottom);
                    if (i == 0) {
                        path.moveTo(px, py);
                    } else {
                        path.lineTo(px, py);
                    }
                }
                g.draw(path);
                for (int i = 0; i < line.x().length; i++) {
                    int px = (int) Math.round(PlotAxes.x(line.x()[i], xr, left, right));
                    int py = (int) Math.round(PlotAxes.y(line.y()[i], yr, top, bottom));
                    g.fillOval(px - 3, py - 3, 7, 7);
                }
            }
            g.setClip(null);
            // legend, top right inside the frame
            int ly = top + 8;
            for (int s = 0; s < series.size(); s++) {
                String name = series.get(s).name();
                int lx = right - 12 - fm.stringWidth(name) - 24;
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(lx, ly + fm.getAscent() / 2 - 1, 18, 3);
                g.setColor(Color.BLACK);
                g.drawString(name, lx + 24, ly + fm.getAscent());
                ly += fm.getHeight() + 2;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The data's range on one axis, padded by 5 % (a single value gets ±0.5). */
    private double[] range(boolean x) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : x ? s.x() : s.y()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min == max) {
            return new double[] {min - 0.5, max + 0.5};
        }
        double pad = 0.05 * (max - min);
        return new double[] {min - pad, max + pad};
    }






}
