package io.github.explain4j.render;

import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Resampling;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;

/**
 * Static helpers that turn attribution maps into images: colour a map, resize it, blend it over the input, lay
 * images out in a captioned grid and write PNG files.
 *
 * <p>Maps are row-major {@code float[h * w]} arrays, as returned by {@link Attribution#heatmap()}. Unless a
 * colormap is given, signed maps are drawn with {@link Colormap#DIVERGING} (white at zero) and unsigned maps with
 * {@link Colormap#JET}. All methods work in a headless JVM.
 */
public final class Heatmaps {

    /** Pixels of white space between the cells of a {@link #grid(List, List, int) grid}. */
    public static final int GRID_GAP = 4;

    /** Size of the caption font in a grid, in points (pixels). */
    public static final int CAPTION_FONT_SIZE = 12;

    private Heatmaps() {
    }

    /** The colormap used when none is given: {@link Colormap#DIVERGING} for signed maps, else {@link Colormap#JET}. */
    public static Colormap defaultColormap(boolean signed) {
        return signed ? Colormap.DIVERGING : Colormap.JET;
    }

    /** The attribution's {@link Attribution#heatmap() heatmap} in its default colormap, at the map's size. */
    public static BufferedImage render(Attribution attribution) {
        Objects.requireNonNull(attribution, "attribution was null; pass the attribution to render");
        return render(attribution, defaultColormap(attribution.signed()));
    }

    /** The attribution's {@link Attribution#heatmap() heatmap} in the given colormap, at the map's size. */
    public static BufferedImage render(Attribution attribution, Colormap colormap) {
        Objects.requireNonNull(attribution, "attribution was null; pass the attribution to render");
        return render(attribution.heatmap(), attribution.height(), attribution.width(), attribution.signed(),
                colormap);
    }

    /** A map in the default colormap for its sign. */
    public static BufferedImage render(float[] map, int height, int width, boolean signed) {
        return render(map, height, width, signed, defaultColormap(signed));
    }

    /**
     * A map in the given colormap, normalised {@link Normalizer#symmetric() symmetrically} if it is signed or the
     * colormap is diverging, else {@link Normalizer#minMax() min–max}.
     */
    public static BufferedImage render(float[] map, int height, int width, boolean signed, Colormap colormap) {
        Objects.requireNonNull(colormap, "colormap was null; pass e.g. Colormap.JET");
        return render(map, height, width, colormap, Normalizer.forSign(signed || colormap.isDiverging()));
    }

    /**
     * A map normalised by {@code normalizer} and coloured by {@code colormap}, as an opaque RGB image of
     * {@code width × height} pixels.
     *
     * @throws IllegalArgumentException if the map's length is not {@code height * width} or a value is not finite
     */
    public static BufferedImage render(float[] map, int height, int width, Colormap colormap, Normalizer normalizer) {
        checkMap(map, height, width);
        Objects.requireNonNull(colormap, "colormap was null; pass e.g. Colormap.JET");
        Objects.requireNonNull(normalizer, "normalizer was null; pass e.g. Normalizer.minMax()");
        return paint(normalizer.apply(map), height, width, colormap);
    }

    /**
     * The map resized to {@code newHeight × newWidth} by bilinear interpolation, sampling at pixel centres (as
     * OpenCV's {@code resize} and PyTorch's {@code interpolate(align_corners=False)} do) and clamping at the
     * borders. The result stays within the input's range. The numbers are {@link Resampling#bilinear}'s, which
     * the compute path uses directly.
     */
    public static float[] resize(float[] map, int height, int width, int newHeight, int newWidth) {
        return Resampling.bilinear(map, height, width, newHeight, newWidth);
    }

    /**
     * The attribution's heatmap in its default colormap, resized to the image and blended over it.
     *
     * @param alpha the heatmap's weight in {@code [0, 1]}: 0 gives the image, 1 the heatmap
     * @see Overlay for other colormaps and percentile clipping
     */
    public static BufferedImage overlay(BufferedImage image, Attribution attribution, double alpha) {
        return Overlay.alpha(alpha).apply(image, attribution);
    }

    /**
     * {@code (1 − alpha) · base + alpha · top} per colour channel. The result keeps {@code base}'s transparency:
     * it is {@code TYPE_INT_ARGB} if {@code base} has an alpha channel, else {@code TYPE_INT_RGB}.
     *
     * @throws IllegalArgumentException if the images differ in size or alpha is outside {@code [0, 1]}
     */
    public static BufferedImage blend(BufferedImage base, BufferedImage top, double alpha) {
        Objects.requireNonNull(base, "base image was null; pass the image to draw on");
        Objects.requireNonNull(top, "top image was null; pass the image to blend over the base");
        checkAlpha(alpha);
        int w = base.getWidth();
        int h = base.getHeight();
        if (top.getWidth() != w || top.getHeight() != h) {
            throw new IllegalArgumentException("top image is " + top.getWidth() + "x" + top.getHeight()
                    + " but base image is " + w + "x" + h + "; resize one to the other's size");
        }
        boolean keepAlpha = base.getColorModel().hasAlpha();
        int[] a = base.getRGB(0, 0, w, h, null, 0, w);
        int[] b = top.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            int p = a[i];
            int q = b[i];
            int rgb = mix(p >> 16, q >> 16, alpha) << 16 | mix(p >> 8, q >> 8, alpha) << 8 | mix(p, q, alpha);
            out[i] = (keepAlpha ? p & 0xFF000000 : 0xFF000000) | rgb;
        }
        BufferedImage result = new BufferedImage(w, h, keepAlpha ? BufferedImage.TYPE_INT_ARGB
                : BufferedImage.TYPE_INT_RGB);
        result.setRGB(0, 0, w, h, out, 0, w);
        return result;
    }

    /** The images in a grid of {@code columns} columns, without captions. */
    public static BufferedImage grid(List<BufferedImage> images, int columns) {
        return grid(images, List.of(), columns);
    }

    /**
     * The images in a grid, left to right then top to bottom, on white. Every cell is as large as the largest
     * image (smaller images are centred); cells are {@link #GRID_GAP} pixels apart. If captions are given, each
     * cell gets a band below its image with its caption centred in black (too long captions are shortened with
     * an ellipsis; a {@code null} caption leaves the band empty).
     *
     * <p>With {@code c = min(columns, n)} columns and {@code r = ceil(n / c)} rows the grid is
     * {@code c·cellWidth + (c−1)·GRID_GAP} wide and {@code r·(cellHeight + captionHeight) + (r−1)·GRID_GAP} high.
     *
     * @param captions one caption per image, or an empty list (or {@code null}) for none
     * @throws IllegalArgumentException if there are no images, {@code columns < 1}, or the caption count differs
     */
    public static BufferedImage grid(List<BufferedImage> images, List<String> captions, int columns) {
        Objects.requireNonNull(images, "images was null; pass a list of images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("grid has no images; pass at least one image");
        }
        if (columns < 1) {
            throw new IllegalArgumentException("columns was " + columns + "; expected at least 1");
        }
        boolean captioned = captions != null && !captions.isEmpty();
        if (captioned && captions.size() != images.size()) {
            throw new IllegalArgumentException("captions has " + captions.size() + " entries but images has "
                    + images.size() + "; pass one caption per image, or none");
        }
        int cellW = 0;
        int cellH = 0;
        for (int i = 0; i < images.size(); i++) {
            BufferedImage im = images.get(i);
            if (im == null) {
                throw new IllegalArgumentException("images[" + i + "] was null; pass only non-null images");
            }
            cellW = Math.max(cellW, im.getWidth());
            cellH = Math.max(cellH, im.getHeight());
        }
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, CAPTION_FONT_SIZE);
        int captionH = captioned ? captionHeight(font) : 0;
        int n = images.size();
        int cols = Math.min(columns, n);
        int rows = (n + cols - 1) / cols;
        int rowH = cellH + captionH;
        BufferedImage out = new BufferedImage(cols * cellW + (cols - 1) * GRID_GAP,
                rows * rowH + (rows - 1) * GRID_GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setFont(font);
            g.setColor(Color.BLACK);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < n; i++) {
                BufferedImage im = images.get(i);
                int x = (i % cols) * (cellW + GRID_GAP);
                int y = (i / cols) * (rowH + GRID_GAP);
                g.drawImage(im, x + (cellW - im.getWidth()) / 2, y + (cellH - im.getHeight()) / 2, null);
                String caption = captioned ? captions.get(i) : null;
                if (caption != null && !caption.isEmpty()) {
                    String text = fit(caption, fm, cellW);
                    g.drawString(text, x + Math.max(0, (cellW - fm.stringWidth(text)) / 2),
                            y + cellH + 2 + fm.getAscent());
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Writes the image as PNG, creating missing parent directories.
     *
     * @return {@code file}
     * @throws IOException if the file cannot be written
     */
    public static Path write(BufferedImage image, Path file) throws IOException {
        Objects.requireNonNull(image, "image was null; pass the image to write");
        Objects.requireNonNull(file, "file was null; pass the path of the PNG to write");
        if (!ImageIO.getImageWriters(ImageTypeSpecifier.createFromRenderedImage(image), "png").hasNext()) {
            throw new IOException("no PNG writer accepts image type " + image.getType()
                    + "; convert it to BufferedImage.TYPE_INT_ARGB first");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ImageIO.write(image, "png", out);
        }
        return file;
    }

    /** Colours a map whose values are already in {@code [0, 1]}. */
    static BufferedImage paint(float[] unit, int height, int width, Colormap colormap) {
        int[] argb = new int[unit.length];
        for (int i = 0; i < unit.length; i++) {
            argb[i] = colormap.argb(unit[i]);
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, width, height, argb, 0, width);
        return out;
    }

    static void checkMap(float[] map, int height, int width) {
        Objects.requireNonNull(map, "map was null; pass a row-major float[height * width]");
        checkSize("map size", height, width);
        if ((long) height * width != map.length) {
            throw new IllegalArgumentException("map has " + map.length + " values; expected height*width = "
                    + height + "*" + width + " = " + (long) height * width);
        }
    }

    static void checkAlpha(double alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha was " + alpha + "; expected a value in [0, 1]");
        }
    }

    private static void checkSize(String what, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(what + " was " + height + "x" + width
                    + " (height x width); expected positive height and width");
        }
    }

    private static int mix(int a, int b, double alpha) {
        int x = a & 0xFF;
        int y = b & 0xFF;
        return (int) Math.round((1 - alpha) * x + alpha * y);
    }

    private static int captionHeight(Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return g.getFontMetrics(font).getHeight() + 4;
        } finally {
            g.dispose();
        }
    }

    private static String fit(String text, FontMetrics fm, int width) {
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (cut.length() > 1 && fm.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
