package io.github.explain4j.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The frame both plots share: data-to-pixel mapping, round ticks, grid, tick labels, box and axis titles. */
final class PlotAxes {

    private PlotAxes() {}

    /** Round tick values covering {@code [min, max]}: steps of 1, 2 or 5 × 10ᵏ, about five of them. */
    static double[] ticks(double min, double max) {
        double raw = (max - min) / 5;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = power * (raw / power < 1.5 ? 1 : raw / power < 3.5 ? 2 : raw / power < 7.5 ? 5 : 10);
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(min / step - 1e-9) * step; t <= max + 1e-9 * step; t += step) {
            out.add(Math.abs(t) < 1e-12 * step ? 0 : t);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A tick's label with as many decimals as the step needs. */
    static String label(double t, double[] all) {
        double step = all.length > 1 ? Math.abs(all[1] - all[0]) : 1;
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", t);
    }

    /** The horizontal pixel of {@code v} in the range {@code r} drawn from {@code left} to {@code right}. */
    static double x(double v, double[] r, int left, int right) {
        return left + (v - r[0]) / (r[1] - r[0]) * (right - left);
    }

    /** The vertical pixel of {@code v} in the range {@code r} drawn from {@code bottom} up to {@code top}. */
    static double y(double v, double[] r, int top, int bottom) {
        return bottom - (v - r[0]) / (r[1] - r[0]) * (bottom - top);
    }

    /**
     * Prepares a plot's image: antialiasing, white background, the title centred at the top (bold 14 pt), then the
     * plain 12 pt font whose metrics it returns.
     */
    static FontMetrics canvas(Graphics2D g, int width, int height, String title) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, (width - g.getFontMetrics().stringWidth(title)) / 2, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g.getFontMetrics();
    }

    /** Grid, ticks and their labels, the box, and the axis titles ({@code height}: the image's). */
    static void draw(Graphics2D g, FontMetrics fm, double[] xr, double[] yr, int left, int top, int right, int bottom,
            int height, String xLabel, String yLabel) {
        double[] xt = ticks(xr[0], xr[1]);
        double[] yt = ticks(yr[0], yr[1]);
        for (double t : xt) {
            int px = (int) Math.round(x(t, xr, left, right));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.BLACK);
            g.drawLine(px, bottom, px, bottom + 4);
            String s = label(t, xt);
            g.drawString(s, px - fm.stringWidth(s) / 2, bottom + 6 + fm.getAscent());
        }
        for (double t : yt) {
            int py = (int) Math.round(y(t, yr, top, bottom));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(left, py, right, py);
            g.setColor(Color.BLACK);
            g.drawLine(left - 4, py, left, py);
            String s = label(t, yt);
            g.drawString(s, left - 6 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString(xLabel, (left + right - fm.stringWidth(xLabel)) / 2, height - 10);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + bottom + fm.stringWidth(yLabel)) / 2, 16);
        g.setTransform(saved);
    }
}
