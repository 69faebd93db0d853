package io.github.explain4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What an optimisation-based view maximises: an immutable description that engine bindings evaluate on a model.
 * Objectives form an algebra — {@link #plus}, {@link #minus}, {@link #times(double)} and the product of two
 * objectives {@link #times(Objective)} — and each describes itself readably ({@link #description()}), as
 * Lucid's objectives do (Olah et al., "Feature Visualization", Distill 2017).
 *
 * <p>Every objective is maximised. Penalties ({@link #l1()}, {@link #l2()}, {@link #alphaNorm}, {@link
 * #totalVariation}, {@link #blur()}) measure what to keep small and enter with a negative weight:
 * <pre>{@code
 * Objective o = Objective.channel("stage3", 7).minus(Objective.totalVariation(1).times(1e-3));
 * }</pre>
 *
 * <p>Values are means over the batch (and over positions, for layer terms), so an objective's scale does not
 * depend on the batch or the image size; see each factory for its formula.
 *
 * <p>Style and content ({@link #style}, {@link #content}) are matches to targets taken from other images: each is
 * minus a loss, 0 at a perfect match, so that style transfer reads as Gatys et al. write it:
 * <pre>{@code
 * Objective o = content.plus(style.times(1e3)).minus(Objective.totalVariation(2).times(1e-2));
 * }</pre>
 */
public sealed interface Objective {

    /** A readable description, e.g. {@code "channel(stage3, 7) − 0.001 × TV(β=1)"}. */
    String description();

    /** The layers this objective reads, in order of first use. */
    default Set<String> layers() {
        Set<String> all = new LinkedHashSet<>();
        collectLayers(this, all);
        return all;
    }

    /** Whether this objective reads the model's output (a class term). */
    default boolean readsOutput() {
        return anyTerm(this, t -> t instanceof ClassLogit || t instanceof ClassProbability);
    }

    /** This objective plus another. */
    default Objective plus(Objective other) {
        Objects.requireNonNull(other, "other objective");
        List<Objective> terms = new ArrayList<>();
        for (Objective o : List.of(this, other)) {
            if (o instanceof Sum s) {
                terms.addAll(s.terms());
            } else {
                terms.add(o);
            }
        }
        return new Sum(terms);
    }

    /** This objective minus another (e.g. a penalty). */
    default Objective minus(Objective other) {
        return plus(Objects.requireNonNull(other, "other objective").times(-1));
    }

    /** This objective scaled by {@code weight}. */
    default Objective times(double weight) {
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("weight was " + weight + "; expected a finite number");
        }
        if (this instanceof Weighted w) {
            return new Weighted(w.weight() * weight, w.objective());
        }
        return new Weighted(weight, this);
    }

    /** The product of this objective and another (e.g. a channel's activation times a class probability). */
    default Objective times(Objective other) {
        return new Product(this, Objects.requireNonNull(other, "other objective"));
    }

    // ---- factories --------------------------------------------------------------------------------------------

    /** The logit (the model's output) of class {@code index}, averaged over the batch. */
    static Objective classLogit(int index) {
        return new ClassLogit(index);
    }

    /** The softmax probability of class {@code index} computed from the model's output, averaged over the batch. */
    static Objective classProbability(int index) {
        return new ClassProbability(index);
    }

    /** The mean activation of one channel of a layer, over positions and the batch (Lucid's {@code channel}). */
    static Objective channel(String layer, int channel) {
        return new Channel(layer, channel);
    }

    /**
     * One unit: a channel's activation at the centre of the feature map, row {@code h / 2} and column
     * {@code w / 2} (correct on non-square maps), averaged over the batch. For a dense layer, the unit itself.
     */
    static Objective neuron(String layer, int channel) {
        return new Neuron(layer, channel, -1, -1);
    }

    /** One unit at row {@code y} and column {@code x} of a channel's feature map, averaged over the batch. */
    static Objective neuron(String layer, int channel, int y, int x) {
        if (y < 0 || x < 0) {
            throw new IllegalArgumentException("position was (y=" + y + ", x=" + x + "); expected non-negative"
                    + " indices into the feature map, or neuron(layer, channel) for its centre");
        }
        return new Neuron(layer, channel, y, x);
    }

    /** A whole layer: the mean of its squared activations (DeepDream, Mordvintsev et al. 2015). */
    static Objective layer(String layer) {
        return new LayerPower(layer);
    }

    /**
     * A direction in a layer's channel space: at each position the dot product of the activation vector with
     * {@code direction}, averaged over positions and the batch (Lucid's {@code direction}).
     */
    static Objective direction(String layer, float[] direction) {
        return new Direction(layer, direction, false);
    }

    /**
     * A direction in a layer's channel space by cosine similarity: at each position
     * {@code (a·v / (|a| |v|))}, averaged over positions and the batch — indifferent to the activation's magnitude.
     */
    static Objective directionCosine(String layer, float[] direction) {
        return new Direction(layer, direction, true);
    }

    /**
     * Diversity across a batch (Olah et al. 2017): minus the mean pairwise cosine similarity of the items' Gram
     * matrices at a layer. Maximising it pushes the batch's images apart in style; it needs a batch of two or more.
     */
    static Objective diversity(String layer) {
        return new Diversity(layer);
    }

    /** Penalty: the L1 norm of the input image, {@code Σ|x|}, averaged over the batch. */
    static Objective l1() {
        return new InputNorm(1);
    }

    /** Penalty: the L2 norm of the input image, {@code √(Σx²)}, averaged over the batch. */
    static Objective l2() {
        return new InputNorm(2);
    }

    /**
     * Penalty: the α-norm raised to α of the input image, {@code Σ|x|^α}, averaged over the batch (Mahendran &amp;
     * Vedaldi 2015 use α = 6). Note that {@link #l2()} is the norm itself, not its square.
     */
    static Objective alphaNorm(double alpha) {
        return new InputNorm(alpha, true);
    }

    /**
     * Penalty: total variation of the input image, {@code Σ ((x[i,j+1] − x[i,j])² + (x[i+1,j] − x[i,j])²)^(β/2)}
     * over positions and channels, averaged over the batch (Mahendran &amp; Vedaldi 2015; β = 1 is the isotropic
     * TV, β = 2 the sum of squared differences).
     */
    static Objective totalVariation(double beta) {
        return new TotalVariation(beta);
    }

    /**
     * Penalty: half the squared distance between the image and its blurred self (3×3 box blur, the blurred image
     * held constant), averaged over the batch — Lucid's blur penalty, pulling towards smooth images.
     */
    static Objective blur() {
        return new Blur();
    }

    /**
     * Style at one layer (Gatys, Ecker &amp; Bethge, "Texture Synthesis Using Convolutional Neural Networks", NIPS
     * 2015; "Image Style Transfer Using Convolutional Neural Networks", CVPR 2016): minus the squared distance of
     * the layer's Gram matrix to a target,
     * {@code −(1/(4C²)) Σ_ij (G_ij − A_ij)²} with {@code G = F Fᵀ / M}, where {@code F} is the layer's activation as
     * {@code C} channels × {@code M} positions, averaged over the batch. Dividing the Gram matrix by the positions
     * makes this exactly Gatys's layer loss {@code E_l = 1/(4 N_l² M_l²) Σ (G − A)²}, and makes a target taken
     * from an image of one size usable on images of any other size. 0 at a perfect match.
     *
     * @param layer the layer, as {@code model.layers()} names it
     * @param gram the target {@code A}, {@code C × C} values row by row, as a Gram matrix over positions (e.g. an
     *     image's, from {@code TextureSynthesis.gram}); copied
     * @throws IllegalArgumentException when the target is empty, not square or not finite
     */
    static Objective style(String layer, float[] gram) {
        return new Style(layer, gram);
    }

    /**
     * Content at one layer (Gatys, Ecker &amp; Bethge 2016; Mahendran &amp; Vedaldi 2015): minus half the mean
     * squared difference between the layer's activation and a target, {@code −½ · mean((F − P)²)} over the
     * target's values and the batch. 0 at a perfect match.
     *
     * @param layer the layer, as {@code model.layers()} names it
     * @param features the target {@code P}, the activation of one image at this layer; copied
     * @param shape the target's shape without the batch, e.g. {@code C, H, W}; the layer must give the same on the
     *     optimised image (the content image and the optimised image have the same size)
     * @throws IllegalArgumentException when the shape does not hold the features or a value is not finite
     */
    static Objective content(String layer, float[] features, int... shape) {
        return new Content(layer, features, shape);
    }

    // ---- the terms --------------------------------------------------------------------------------------------

    /** A class's logit. */
    record ClassLogit(int index) implements Objective {
        /** Checks the index. */
        public ClassLogit {
            nonNegative("class index", index);
        }

        @Override
        public String description() {
            return "logit(class " + index + ")";
        }
    }

    /** A class's softmax probability. */
    record ClassProbability(int index) implements Objective {
        /** Checks the index. */
        public ClassProbability {
            nonNegative("class index", index);
        }

        @Override
        public String description() {
            return "p(class " + index + ")";
        }
    }

    /** A channel's mean activation. */
    record Channel(String layer, int channel) implements Objective {
        /** Checks the values. */
        public Channel {
            layerName(layer);
            nonNegative("channel", channel);
        }

        @Override
        public String description() {
            return "channel(" + layer + ", " + channel + ")";
        }
    }

    /** One unit; {@code y} and {@code x} are {@code -1} for the centre. */
    record Neuron(String layer, int channel, int y, int x) implements Objective {
        /** Checks the values. */
        public Neuron {
            layerName(layer);
            nonNegative("channel", channel);
            if ((y < 0) != (x < 0) || y < -1 || x < -1) {
                throw new IllegalArgumentException("position was (y=" + y + ", x=" + x + "); give both indices, or"
                        + " -1 for both to mean the centre");
            }
        }

        /** Whether the unit is the centre of the feature map. */
        public boolean centre() {
            return y < 0;
        }

        @Override
        public String description() {
            return "neuron(" + layer + ", " + channel + (centre() ? ", centre" : ", y=" + y + ", x=" + x) + ")";
        }
    }

    /** The mean square of a layer's activations. */
    record LayerPower(String layer) implements Objective {
        /** Checks the layer. */
        public LayerPower {
            layerName(layer);
        }

        @Override
        public String description() {
            return "deepdream(" + layer + ")";
        }
    }

    /** A direction in a layer's channel space. */
    record Direction(String layer, float[] vector, boolean cosine) implements Objective {
        /** Checks and copies the vector. */
        public Direction {
            layerName(layer);
            Objects.requireNonNull(vector, "direction");
            if (vector.length == 0) {
                throw new IllegalArgumentException("direction was empty; give one value per channel of " + layer);
            }
            double norm = 0;
            for (float v : vector) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("direction has a non-finite value " + v);
                }
                norm += v * v;
            }
            if (cosine && norm == 0) {
                throw new IllegalArgumentException("direction was all zeros; a cosine needs a non-zero vector");
            }
            vector = vector.clone();
        }

        /** A copy of the vector. */
        @Override
        public float[] vector() {
            return vector.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Direction d && d.layer.equals(layer) && d.cosine == cosine
                    && Arrays.equals(d.vector, vector);
        }

        @Override
        public int hashCode() {
            return Objects.hash(layer, cosine, Arrays.hashCode(vector));
        }

        @Override
        public String description() {
            return (cosine ? "cosine-direction(" : "direction(") + layer + ", " + vector.length + " channels)";
        }
    }

    /** Diversity across the batch at a layer. */
    record Diversity(String layer) implements Objective {
        /** Checks the layer. */
        public Diversity {
            layerName(layer);
        }

        @Override
        public String description() {
            return "diversity(" + layer + ")";
        }
    }

    /**
     * A norm of the input image: {@code Σ|x|^α} when {@code powered}, otherwise the norm {@code (Σ|x|^α)^(1/α)}
     * (see {@link #l1()}, {@link #l2()}, {@link #alphaNorm}).
     */
    record InputNorm(double alpha, boolean powered) implements Objective {
        /** Checks α. */
        public InputNorm {
            if (!(alpha >= 1) || !Double.isFinite(alpha)) {
                throw new IllegalArgumentException("alpha was " + alpha + "; expected a finite number ≥ 1 (1 for L1, 2"
                        + " for L2, 6 as Mahendran & Vedaldi)");
            }
        }

        InputNorm(double alpha) {
            this(alpha, alpha == 1);
        }

        @Override
        public String description() {
            if (alpha == 1) {
                return "L1";
            }
            return powered ? "‖x‖" + number(alpha) + "^" + number(alpha) : "L" + number(alpha);
        }
    }

    /** Total variation with exponent β. */
    record TotalVariation(double beta) implements Objective {
        /** Checks β. */
        public TotalVariation {
            if (!(beta > 0) || !Double.isFinite(beta)) {
                throw new IllegalArgumentException("beta was " + beta + "; expected a positive number (1 for"
                        + " isotropic TV, 2 for squared differences)");
            }
        }

        @Override
        public String description() {
            return "TV(β=" + number(beta) + ")";
        }
    }

    /** Distance to the blurred image. */
    record Blur() implements Objective {
        @Override
        public String description() {
            return "blur";
        }
    }

    /** Style at a layer: minus the distance of its Gram matrix (over positions) to {@code gram}. */
    record Style(String layer, float[] gram) implements Objective {
        /** Checks and copies the target. */
        public Style {
            layerName(layer);
            Objects.requireNonNull(gram, "Gram target was null; compute it from a style image");
            int c = (int) Math.round(Math.sqrt(gram.length));
            if (gram.length == 0 || (long) c * c != gram.length) {
                throw new IllegalArgumentException("the Gram target has " + gram.length + " values; expected C × C"
                        + " values for a layer of C channels (a channel-by-channel matrix, row by row)");
            }
            finite("Gram target", gram);
            gram = gram.clone();
        }

        /** The channels {@code C} of the target. */
        public int channels() {
            return (int) Math.round(Math.sqrt(gram.length));
        }

        /** A copy of the target, {@code C × C} row by row. */
        @Override
        public float[] gram() {
            return gram.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Style st && st.layer.equals(layer) && Arrays.equals(st.gram, gram);
        }

        @Override
        public int hashCode() {
            return Objects.hash(layer, Arrays.hashCode(gram));
        }

        @Override
        public String description() {
            return "style(" + layer + ", " + channels() + "×" + channels() + " Gram)";
        }
    }

    /** Content at a layer: minus half the mean squared difference of its activation to {@code features}. */
    record Content(String layer, float[] features, int[] shape) implements Objective {
        /** Checks and copies the target. */
        public Content {
            layerName(layer);
            Objects.requireNonNull(features, "content features were null; compute them from a content image");
            Objects.requireNonNull(shape, "shape");
            if (shape.length == 0) {
                throw new IllegalArgumentException("content shape was empty; give the layer's shape without the"
                        + " batch, e.g. C, H, W");
            }
            long size = 1;
            for (int d : shape) {
                if (d < 1) {
                    throw new IllegalArgumentException("content shape was " + Arrays.toString(shape) + "; expected"
                            + " positive sizes (the layer's shape without the batch, e.g. C, H, W)");
                }
                size *= d;
            }
            if (size != features.length) {
                throw new IllegalArgumentException("content shape " + Arrays.toString(shape) + " holds " + size
                        + " values but " + features.length + " features were given; give the layer's shape without"
                        + " the batch");
            }
            finite("content features", features);
            features = features.clone();
            shape = shape.clone();
        }

        /** A copy of the target. */
        @Override
        public float[] features() {
            return features.clone();
        }

        /** A copy of the target's shape (without the batch). */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Content c && c.layer.equals(layer) && Arrays.equals(c.shape, shape)
                    && Arrays.equals(c.features, features);
        }

        @Override
        public int hashCode() {
            return Objects.hash(layer, Arrays.hashCode(shape), Arrays.hashCode(features));
        }

        @Override
        public String description() {
            StringBuilder dims = new StringBuilder();
            for (int d : shape) {
                dims.append(dims.length() == 0 ? "" : "×").append(d);
            }
            return "content(" + layer + ", " + dims + ")";
        }
    }

    /** A scaled objective. */
    record Weighted(double weight, Objective objective) implements Objective {
        /** Checks the values. */
        public Weighted {
            Objects.requireNonNull(objective, "objective");
        }

        @Override
        public String description() {
            String inner = objective instanceof Sum ? "(" + objective.description() + ")" : objective.description();
            return weight == -1 ? "−" + inner : number(weight) + " × " + inner;
        }
    }

    /** A sum of objectives. */
    record Sum(List<Objective> terms) implements Objective {
        /** Copies the terms. */
        public Sum {
            terms = List.copyOf(terms);
            if (terms.size() < 2) {
                throw new IllegalArgumentException("a sum needs two or more terms, got " + terms.size());
            }
        }

        @Override
        public String description() {
            StringBuilder sb = new StringBuilder(terms.get(0).description());
            for (Objective t : terms.subList(1, terms.size())) {
                if (t instanceof Weighted w && w.weight() < 0) {
                    sb.append(" − ").append(w.weight() == -1 ? bracket(w.objective())
                            : number(-w.weight()) + " × " + bracket(w.objective()));
                } else {
                    sb.append(" + ").append(t.description());
                }
            }
            return sb.toString();
        }
    }

    /** The product of two objectives. */
    record Product(Objective left, Objective right) implements Objective {
        /** Checks the values. */
        public Product {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public String description() {
            return bracket(left) + " · " + bracket(right);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static String bracket(Objective o) {
        return o instanceof Sum ? "(" + o.description() + ")" : o.description();
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    private static void nonNegative(String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " was " + value + "; expected 0 or more");
        }
    }

    private static void layerName(String layer) {
        if (layer == null || layer.isBlank()) {
            throw new IllegalArgumentException("layer was " + (layer == null ? "null" : "blank")
                    + "; name a layer as model.layers() lists it");
        }
    }

    private static void finite(String what, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(what + " has the non-finite value " + values[i] + " at index " + i
                        + "; compute it from an image with finite pixels");
            }
        }
    }

    private static void collectLayers(Objective o, Set<String> into) {
        if (o instanceof Channel c) {
            into.add(c.layer());
        } else if (o instanceof Neuron n) {
            into.add(n.layer());
        } else if (o instanceof LayerPower l) {
            into.add(l.layer());
        } else if (o instanceof Direction d) {
            into.add(d.layer());
        } else if (o instanceof Diversity d) {
            into.add(d.layer());
        } else if (o instanceof Style st) {
            into.add(st.layer());
        } else if (o instanceof Content c) {
            into.add(c.layer());
        } else if (o instanceof Weighted w) {
            collectLayers(w.objective(), into);
        } else if (o instanceof Sum s) {
            s.terms().forEach(t -> collectLayers(t, into));
        } else if (o instanceof Product p) {
            collectLayers(p.left(), into);
            collectLayers(p.right(), into);
        }
    }

    private static boolean anyTerm(Objective o, java.util.function.Predicate<Objective> test) {
        if (o instanceof Weighted w) {
            return anyTerm(w.objective(), test);
        } else if (o instanceof Sum s) {
            return s.terms().stream().anyMatch(t -> anyTerm(t, test));
        } else if (o instanceof Product p) {
            return anyTerm(p.left(), test) || anyTerm(p.right(), test);
        }
        return test.test(o);
    }
}
