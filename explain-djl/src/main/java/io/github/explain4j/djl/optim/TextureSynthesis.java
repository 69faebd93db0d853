package io.github.explain4j.djl.optim;

import io.github.explain4j.api.Provenance;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import io.github.explain4j.optim.Parameterization;
import io.github.explain4j.optim.Transforms;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Texture synthesis: an image, grown from noise, whose Gram matrices at several layers match those of a texture
 * (L. A. Gatys, A. S. Ecker, M. Bethge, "Texture Synthesis Using Convolutional Neural Networks", NIPS 2015). The
 * Gram matrix {@code G = F Fᵀ / M} of a layer's activation ({@code C} channels × {@code M} positions) keeps which
 * channels fire together and forgets where: a stationary description of the texture.
 *
 * <pre>{@code
 * FeatureImage texture = TextureSynthesis.of(Images.read(path))
 *         .layers("Conv1_relu", "block_2_expand_relu", "block_4_expand_relu", "block_7_expand_relu")
 *         .steps(400).seed(1).synthesize(model);
 * }</pre>
 *
 * <p>The objective is {@code Σ_l w_l · }{@link Objective#style style}{@code (l, A_l)}, the layers weighted equally
 * ({@code w_l = 1/L}) as in the paper unless given weights of their own ({@link #layer(String, double)}), each
 * target {@code A_l} the texture's Gram matrix at layer {@code l} computed on the model at the texture's own size
 * (the model's input size for a picture, or {@link #textureSize}); since the Gram matrix is over positions, the
 * synthesised image may have another size. The optimisation is {@link FeatureVisualization}'s loop:
 * Adam with a seed, progress to the model's listener, cancellation by interrupt. The paper optimises pixels from
 * white noise with L-BFGS; the default here is Adam (learning rate 0.1, 512 steps) on a Fourier parameterisation
 * with decorrelated colours and no random transforms. Layers are settings: any network whose layers the seam
 * reaches can be used.
 */
public final class TextureSynthesis {

    private final StyleImages.Source texture;
    private final StyleLayers layers;
    private final int[] textureSize;
    private final FeatureVisualization loop;

    private TextureSynthesis(StyleImages.Source texture, StyleLayers layers, int[] textureSize,
            FeatureVisualization loop) {
        this.texture = texture;
        this.layers = layers;
        this.textureSize = textureSize;
        this.loop = loop;
    }

    /** Synthesises the texture of a picture, taken at the model's input size (or {@link #textureSize}). */
    public static TextureSynthesis of(BufferedImage texture) {
        return new TextureSynthesis(StyleImages.Source.of("texture image", texture), StyleLayers.NONE,
                new int[0], defaults());
    }

    /** Synthesises the texture of an image in pixel space, {@code C×H×W} values in [0, 1], at its own size. */
    public static TextureSynthesis of(float[] chw, int channels, int height, int width) {
        return new TextureSynthesis(StyleImages.Source.of("texture image", chw, channels, height, width),
                StyleLayers.NONE, new int[0], defaults());
    }

    private static FeatureVisualization defaults() {
        // the objective is set when the targets are known (objective(model))
        return FeatureVisualization.of(Objective.l2()).parameterization(Parameterization.fft().decorrelated())
                .transforms(Transforms.none()).steps(512).learningRate(0.1);
    }

    /**
     * The layers whose Gram matrices are matched (required), as {@code model.layers()} names them, weighted equally
     * ({@code 1/L} each, as in the paper); replaces any layers given before.
     */
    public TextureSynthesis layers(String... names) {
        return new TextureSynthesis(texture, StyleLayers.equal(names), textureSize, loop);
    }

    /**
     * Adds a layer with a weight of its own, {@code w_l} in {@code Σ_l w_l · style(l, A_l)} (Gatys et al. 2016, eq.
     * 5), or changes the weight of a layer already given: {@code .layer("Conv1_relu", 1).layer("block_7_expand_relu",
     * 0.2)}. Weights are used as given (not normalised); 0 leaves the layer out.
     *
     * @throws IllegalArgumentException for a weight that is negative, NaN or infinite
     */
    public TextureSynthesis layer(String name, double weight) {
        return new TextureSynthesis(texture, layers.with(name, weight), textureSize, loop);
    }

    /** Takes a texture picture at this size instead of the model's input size. */
    public TextureSynthesis textureSize(int height, int width) {
        return new TextureSynthesis(texture, layers, StyleImages.size("texture size", height, width), loop);
    }

    /** How the synthesised image is represented (default: Fourier, decorrelated colours, sigmoid). */
    public TextureSynthesis parameterization(Parameterization p) {
        return with(loop.parameterization(p));
    }

    /** Random transforms at each step (default: none, as the paper). */
    public TextureSynthesis transforms(Transforms t) {
        return with(loop.transforms(t));
    }

    /** The number of Adam steps (default 512). */
    public TextureSynthesis steps(int n) {
        return with(loop.steps(n));
    }

    /** The learning rate (default 0.1: the style loss falls faster than with Lucid's 0.05). */
    public TextureSynthesis learningRate(double lr) {
        return with(loop.learningRate(lr));
    }

    /** The seed of the random start. */
    public TextureSynthesis seed(long seed) {
        return with(loop.seed(seed));
    }

    /** Synthesises an image of this size instead of the model's input size. */
    public TextureSynthesis imageSize(int height, int width) {
        return with(loop.imageSize(height, width));
    }

    /** Also keeps the images at these steps. */
    public TextureSynthesis thresholds(int... steps) {
        return with(loop.thresholds(steps));
    }

    private TextureSynthesis with(FeatureVisualization newLoop) {
        return new TextureSynthesis(texture, layers, textureSize, newLoop);
    }

    /** The method's name. */
    public String name() {
        return "Texture Synthesis";
    }

    /**
     * The objective this synthesis maximises on {@code model}: {@code Σ_l w_l · style(l, A_l)} with the texture's
     * Gram matrices as targets — a value to combine with others.
     */
    public Objective objective(ExplainableModel model) {
        Objects.requireNonNull(model, "model");
        return layers.objective(model, texture.pixels(model.spec(), textureSize), "name them with layers(...), e.g."
                + " for MobileNetV2 \"Conv1_relu\", \"block_2_expand_relu\", \"block_4_expand_relu\","
                + " \"block_7_expand_relu\"");
    }

    /** Synthesises the texture on {@code model}. */
    public FeatureImage synthesize(ExplainableModel model) {
        Objective objective = objective(model);
        FeatureImage img = loop.objective(objective).optimize(reporting(model, name()));
        return renamed(img, name(), parameters(), objective.description());
    }

    /** The settings as provenance text. */
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("texture", texture.describe());
        p.put("layers", layers.describeNames());
        p.put("layerWeights", layers.describeWeights());
        if (textureSize.length != 0) {
            p.put("textureSize", textureSize[0] + "×" + textureSize[1]);
        }
        p.putAll(loop.parameters());
        return p;
    }

    /**
     * The Gram matrix over positions of an image at one layer ({@link Objective#style}'s target): {@code C × C}
     * values row by row, computed on the model at the image's own size.
     *
     * @param chw the image, {@code channels × height × width} pixel values in [0, 1]
     * @throws IllegalArgumentException for an unknown layer, or an image whose channels are not the model's
     */
    public static float[] gram(ExplainableModel model, float[] chw, int channels, int height, int width,
            String layer) {
        Objects.requireNonNull(model, "model");
        StyleImages.Pixels p = StyleImages.Source.of("image", chw, channels, height, width).pixels(model.spec(),
                new int[0]);
        List<String> one = StyleImages.layers(model, List.of(layer), "layer", "name one");
        return StyleImages.targets(model, p, one, true).get(layer).values();
    }

    /** The model with its progress listener told this method's name instead of the loop's. */
    static ExplainableModel reporting(ExplainableModel model, String name) {
        return model.withProgress((task, done, total) -> model.progress().progress(name, done, total));
    }

    /** The same result under another method name and parameters. */
    static FeatureImage renamed(FeatureImage img, String method, Map<String, String> parameters, String target) {
        Provenance p = img.provenance();
        return new FeatureImage(img.images(), img.channels(), img.height(), img.width(), img.objectiveHistory(),
                img.intermediates(), new Provenance(method, parameters, p.seed(), p.engine(), p.model(), target,
                        -1));
    }

    @Override
    public String toString() {
        return name() + " " + parameters();
    }
}
