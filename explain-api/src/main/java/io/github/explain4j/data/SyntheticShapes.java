package io.github.explain4j.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A synthetic image-classification dataset with ground-truth localisation: each image shows one filled shape — a
 * circle, a square or a triangle, which is its class — at a random place, size and colour, on a cluttered
 * background of colour gradients, line segments and specks, beside two distractor objects of the same size and
 * colours (a plus sign, an elongated ellipse) that belong to no class. Because the distractors are as salient as
 * the object, a map that points at the object shows class evidence, not mere contrast. The mask of the class-defining shape comes with the
 * image, so whether an explanation points at the object can be measured (pointing game, mass inside the mask).
 * Each sample also carries a mask per {@linkplain #CONCEPTS concept} — its class shape under the class's name, each
 * distractor, the background — the labels against which network dissection scores units.
 *
 * <p>Every sample is a pure function of {@code (seed, index)}: the same call always draws the same pixels, so
 * training, tests and benchmarks can regenerate any split instead of storing it.
 *
 * <pre>{@code
 * SyntheticShapes shapes = SyntheticShapes.create(64);
 * SyntheticShapes.Sample s = shapes.sample(42L, 7);
 * s.image(); s.label(); s.mask();   // 64×64 RGB, 0..2, true where the shape is
 * s.concept("plus");                  // true where the plus-sign distractor shows
 * }</pre>
 */
public final class SyntheticShapes {

    /** The class names, by label index. */
    public static final List<String> CLASSES = List.of("circle", "square", "triangle");

    /** The name of the plus-sign distractor as a concept. */
    public static final String PLUS = "plus";
    /** The name of the elongated-ellipse distractor as a concept. */
    public static final String ELLIPSE = "ellipse";
    /** The name of the background (no object) as a concept. */
    public static final String BACKGROUND = "background";

    /**
     * The concepts every sample labels, in this order: the three classes' shapes, the two distractors, the
     * background. Their masks partition the image: each pixel belongs to exactly one.
     */
    public static final List<String> CONCEPTS = List.of("circle", "square", "triangle", PLUS, ELLIPSE, BACKGROUND);

    /** Seed of the training split used by the bundled model. */
    public static final long TRAIN_SEED = 1L;
    /** Seed of the held-out split (never seen in training). */
    public static final long TEST_SEED = 2L;

    private final int size;

    private SyntheticShapes(int size) {
        this.size = size;
    }

    /**
     * Images of {@code size×size} pixels.
     *
     * @throws IllegalArgumentException if {@code size < 32}
     */
    public static SyntheticShapes create(int size) {
        if (size < 32) {
            throw new IllegalArgumentException("image size was " + size + "; expected at least 32 pixels");
        }
        return new SyntheticShapes(size);
    }

    /** The image size in pixels. */
    public int size() {
        return size;
    }

    /**
     * One sample.
     *
     * @param image the {@code size×size} RGB image
     * @param label the class index into {@link #CLASSES}
     * @param mask row-major, {@code true} on the pixels of the class-defining shape
     * @param centerX the shape's centre, x
     * @param centerY the shape's centre, y
     * @param concepts row-major masks of the visible pixels of each of {@link #CONCEPTS}, by name, in that order:
     *     the class shape under its class's name (the other two classes' masks are empty), the plus sign, the
     *     ellipse (empty when it found no free place), the background; they partition the image
     */
    public record Sample(BufferedImage image, int label, boolean[] mask, double centerX, double centerY,
            Map<String, boolean[]> concepts) {

        /** Freezes the map of concepts (the arrays are shared, like {@link #mask()}). */
        public Sample {
            Objects.requireNonNull(concepts, "concepts was null; pass a mask per concept name");
            Map<String, boolean[]> copy = new LinkedHashMap<>();
            concepts.forEach(copy::put);
            concepts = Collections.unmodifiableMap(copy);
        }

        /**
         * A sample without distractor masks: the class shape's mask under its class name, everything else as
         * background, the distractors' masks empty.
         */
        public Sample(BufferedImage image, int label, boolean[] mask, double centerX, double centerY) {
            this(image, label, mask, centerX, centerY, conceptsOf(label, mask, new boolean[mask.length],
                    new boolean[mask.length]));
        }

        /**
         * The visible pixels of {@code concept}, one of {@link #CONCEPTS}.
         *
         * @throws IllegalArgumentException for another name
         */
        public boolean[] concept(String concept) {
            boolean[] m = concepts.get(concept);
            if (m == null) {
                throw new IllegalArgumentException("concept '" + concept + "' is not labelled; the concepts are "
                        + CONCEPTS);
            }
            return m;
        }

        /** The fraction of the image the mask covers. */
        public double maskFraction() {
            int n = 0;
            for (boolean b : mask) {
                if (b) {
                    n++;
                }
            }
            return (double) n / mask.length;
        }

        /** The mask grown by {@code radius} pixels (square neighbourhood). */
        public boolean[] dilatedMask(int radius) {
            int w = image.getWidth();
            int h = image.getHeight();
            boolean[] out = new boolean[mask.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (!mask[y * w + x]) {
                        continue;
                    }
                    for (int dy = -radius; dy <= radius; dy++) {
                        for (int dx = -radius; dx <= radius; dx++) {
                            int yy = y + dy;
                            int xx = x + dx;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                out[yy * w + xx] = true;
                            }
                        }
                    }
                }
            }
            return out;
        }
    }

    /** The sample at {@code index} of the split {@code seed}; its class cycles through the classes. */
    public Sample sample(long seed, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("sample index was " + index + "; expected ≥ 0");
        }
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
        int label = index % CLASSES.size();
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        drawClutter(g, r);
        double half = size * (0.12 + 0.07 * r.nextDouble());
        double margin = half + 1;
        double cx = margin + r.nextDouble() * (size - 2 * margin);
        double cy = margin + r.nextDouble() * (size - 2 * margin);
        Shape shape = shape(label, cx, cy, half, r.nextDouble() * Math.PI * 2);
        List<double[]> placed = new ArrayList<>();
        placed.add(new double[] {cx, cy, half});
        Shape[] distractors = new Shape[2];
        for (int d = 0; d < 2; d++) {
            double dh = size * (0.11 + 0.07 * r.nextDouble());
            double[] at = place(r, dh, placed);
            if (at != null) {
                g.setColor(objectColor(r));
                distractors[d] = distractor(d, at[0], at[1], dh, r.nextDouble() * Math.PI);
                g.fill(distractors[d]);
                placed.add(new double[] {at[0], at[1], dh});
            }
        }
        Color colour = objectColor(r);
        // Java2D rasterises a non-antialiased fill differently under a wide stroke: the masks reuse this one
        Stroke stroke = g.getStroke();
        g.dispose();

        BufferedImage maskImage = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_BINARY);
        Graphics2D mg = maskImage.createGraphics();
        mg.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        mg.setColor(Color.WHITE);
        mg.fill(shape);
        mg.dispose();
        boolean[] mask = new boolean[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                mask[y * size + x] = (maskImage.getRGB(x, y) & 0xffffff) != 0;
                if (mask[y * size + x]) {
                    // the object is painted exactly on its mask's pixels
                    image.setRGB(x, y, colour.getRGB());
                }
            }
        }
        // the distractors' pixels, rasterised as they were painted (same image type, no antialiasing); the
        // ellipse was painted after the plus and the class shape after both, so each hides what lies under it
        boolean[] plus = raster(distractors[0], stroke);
        boolean[] ellipse = raster(distractors[1], stroke);
        for (int i = 0; i < mask.length; i++) {
            ellipse[i] &= !mask[i];
            plus[i] &= !mask[i] && !ellipse[i];
        }
        return new Sample(image, label, mask, cx, cy, conceptsOf(label, mask, plus, ellipse));
    }

    /** The concepts' masks in the order of {@link #CONCEPTS}; the background is what none of the others covers. */
    private static Map<String, boolean[]> conceptsOf(int label, boolean[] mask, boolean[] plus, boolean[] ellipse) {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        for (int c = 0; c < CLASSES.size(); c++) {
            out.put(CLASSES.get(c), c == label ? mask : new boolean[mask.length]);
        }
        out.put(PLUS, plus);
        out.put(ELLIPSE, ellipse);
        boolean[] background = new boolean[mask.length];
        for (int i = 0; i < background.length; i++) {
            background[i] = !mask[i] && !plus[i] && !ellipse[i];
        }
        out.put(BACKGROUND, background);
        return out;
    }

    /**
     * The pixels a fill of {@code shape} paints on an image like the samples' with {@code stroke} set (none for a
     * null shape).
     */
    private boolean[] raster(Shape shape, Stroke stroke) {
        boolean[] out = new boolean[size * size];
        if (shape == null) {
            return out;
        }
        BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setStroke(stroke);
        g.setColor(Color.WHITE);
        g.fill(shape);
        g.dispose();
        int[] rgb = ((java.awt.image.DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < out.length; i++) {
            out[i] = (rgb[i] & 0xffffff) != 0;
        }
        return out;
    }

    /** {@code count} consecutive samples of a split starting at {@code from}. */
    public List<Sample> samples(long seed, int from, int count) {
        List<Sample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(sample(seed, from + i));
        }
        return out;
    }

    /** A free place for an object of half-size {@code half}, away from those placed, or null after 50 tries. */
    private double[] place(Random r, double half, List<double[]> placed) {
        for (int attempt = 0; attempt < 50; attempt++) {
            double x = half + 1 + r.nextDouble() * (size - 2 * half - 2);
            double y = half + 1 + r.nextDouble() * (size - 2 * half - 2);
            boolean free = true;
            for (double[] p : placed) {
                free &= Math.hypot(x - p[0], y - p[1]) > 1.25 * (half + p[2]) + 2;
            }
            if (free) {
                return new double[] {x, y};
            }
        }
        return null;
    }

    /** A plus sign (kind 0) or an ellipse at least 2.5 times longer than wide (kind 1): no class's shape. */
    private static Shape distractor(int kind, double cx, double cy, double half, double angle) {
        java.awt.geom.Area area;
        if (kind == 0) {
            double t = half * 0.35;
            area = new java.awt.geom.Area(new Rectangle2D.Double(cx - half, cy - t, 2 * half, 2 * t));
            area.add(new java.awt.geom.Area(new Rectangle2D.Double(cx - t, cy - half, 2 * t, 2 * half)));
        } else {
            area = new java.awt.geom.Area(new Ellipse2D.Double(cx - half, cy - half * 0.38, 2 * half, 0.76 * half));
        }
        return area.createTransformedArea(java.awt.geom.AffineTransform.getRotateInstance(angle, cx, cy));
    }

    private static Shape shape(int label, double cx, double cy, double half, double angle) {
        return switch (label) {
            case 0 -> new Ellipse2D.Double(cx - half, cy - half, 2 * half, 2 * half);
            case 1 -> {
                // an axis-aligned square, a little smaller so its area is like the circle's
                double s = half * 0.9;
                yield new Rectangle2D.Double(cx - s, cy - s, 2 * s, 2 * s);
            }
            default -> {
                Polygon p = new Polygon();
                for (int k = 0; k < 3; k++) {
                    double a = angle + k * 2 * Math.PI / 3;
                    p.addPoint((int) Math.round(cx + 1.1 * half * Math.cos(a)),
                            (int) Math.round(cy + 1.1 * half * Math.sin(a)));
                }
                yield p;
            }
        };
    }

    private void drawClutter(Graphics2D g, Random r) {
        Color a = randomColor(r, 40, 200);
        Color b = randomColor(r, 40, 200);
        g.setPaint(new java.awt.GradientPaint(0, 0, a, size, size * r.nextFloat(), b));
        g.fillRect(0, 0, size, size);
        int lines = 5 + r.nextInt(6);
        for (int i = 0; i < lines; i++) {
            g.setColor(randomColor(r, 0, 255));
            g.setStroke(new BasicStroke(1 + r.nextInt(2)));
            double x0 = r.nextDouble() * size;
            double y0 = r.nextDouble() * size;
            double len = size * (0.15 + 0.35 * r.nextDouble());
            double t = r.nextDouble() * Math.PI;
            g.draw(new Line2D.Double(x0, y0, x0 + len * Math.cos(t), y0 + len * Math.sin(t)));
        }
        int specks = 20 + r.nextInt(20);
        for (int i = 0; i < specks; i++) {
            g.setColor(randomColor(r, 0, 255));
            int s = 1 + r.nextInt(3);
            g.fillRect(r.nextInt(size), r.nextInt(size), s, s);
        }
    }

    private static Color objectColor(Random r) {
        // saturated and either bright or dark, so the shape stands out of most backgrounds
        float hue = r.nextFloat();
        float brightness = r.nextBoolean() ? 0.9f + 0.1f * r.nextFloat() : 0.15f + 0.1f * r.nextFloat();
        return Color.getHSBColor(hue, 0.6f + 0.4f * r.nextFloat(), brightness);
    }

    private static Color randomColor(Random r, int lo, int hi) {
        return new Color(lo + r.nextInt(hi - lo + 1), lo + r.nextInt(hi - lo + 1), lo + r.nextInt(hi - lo + 1));
    }
}
