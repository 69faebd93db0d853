package io.github.explain4j.djl.optim;

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
 * Style transfer: a content photo repainted so that its Gram matrices at several layers match a style image's while
 * its activation at a deeper layer stays the photo's (L. A. Gatys, A. S. Ecker, M. Bethge, "Image Style Transfer
 * Using Convolutional Neural Networks", CVPR 2016).
 *
 * <pre>{@code
 * FeatureImage painted = StyleTransfer.of(Images.read(starryNight), Images.read(photo))
 *         .styleLayers("Conv1_relu", "block_2_expand_relu", "block_4_expand_relu", "block_7_expand_relu")
 *         .contentLayer("block_5_expand_relu")
 *         .styleWeight(1e3).steps(300).transfer(model);
 * }</pre>
 *
 * <p>The objective is a value ({@link #objective}):
 * {@code content(l_c, P) + styleWeight · Σ_l w_l style(l, A_l) − totalVariationWeight · TV(β=2)}, the style layers
 * weighted equally ({@code w_l = 1/L}) unless given weights of their own ({@link #styleLayer(String, double)}), with
 * {@link Objective#content}, {@link Objective#style} and {@link Objective#totalVariation}; the targets are the content
 * photo's activation at the content layer and the style image's Gram matrices (as {@link TextureSynthesis}). Total
 * variation is a sum over the image's pixels, so its weight depends on the image size. The content photo is taken at
 * the model's input size and is the optimisation's start (the paper starts from white noise or the photo); the style
 * picture is taken at the model's input size too, or at {@link #styleSize}. The loop is {@link FeatureVisualization}'s
 * (Adam, pixel parameterisation with a sigmoid range, no random transforms, progress, cancellation by interrupt).
 * Layers are settings: any network whose layers the seam reaches can be used.
 */
public final class StyleTransfer {

    private final StyleImages.Source style;
    private final StyleImages.Source content;
    private final StyleLayers styleLayers;
    private final String contentLayer;
    private final double styleWeight;
    private final double totalVariationWeight;
    private final int[] styleSize;
    private final FeatureVisualization loop;

    private StyleTransfer(StyleImages.Source style, StyleImages.Source content, StyleLayers styleLayers,
            String contentLayer, double styleWeight, double totalVariationWeight, int[] styleSize,
            FeatureVisualization loop) {
        this.style = style;
        this.content = content;
        this.styleLayers = styleLayers;
        this.contentLayer = contentLayer;
        this.styleWeight = StyleImages.weight("style weight", styleWeight, "1e3 for MobileNetV2's layers");
        this.totalVariationWeight = StyleImages.weight("total variation weight", totalVariationWeight,
                "0 for none");
        this.styleSize = styleSize;
        this.loop = loop;
    }

    /** Paints {@code content} (taken at the model's input size) in the style of {@code style}. */
    public static StyleTransfer of(BufferedImage style, BufferedImage content) {
        return defaults(StyleImages.Source.of("style image", style), StyleImages.Source.of("content image",
                content));
    }

    /**
     * Paints a content image in the style of a style image, both in pixel space ({@code C×H×W} values in [0, 1]);
     * the content image must have the model's input size, the style image may have any size the layers take.
     *
     * @param styleShape the style image's {@code {channels, height, width}}
     * @param contentShape the content image's {@code {channels, height, width}}
     */
    public static StyleTransfer of(float[] style, int[] styleShape, float[] content, int[] contentShape) {
        return defaults(source("style image", style, styleShape), source("content image", content, contentShape));
    }

    private static StyleImages.Source source(String role, float[] chw, int[] shape) {
        Objects.requireNonNull(shape, role + " shape");
        if (shape.length != 3) {
            throw new IllegalArgumentException(role + " shape was " + java.util.Arrays.toString(shape) + "; expected"
                    + " {channels, height, width}");
        }
        return StyleImages.Source.of(role, chw, shape[0], shape[1], shape[2]);
    }

    private static StyleTransfer defaults(StyleImages.Source style, StyleImages.Source content) {
        FeatureVisualization loop = FeatureVisualization.of(Objective.l2()).parameterization(Parameterization.pixels())
                .transforms(Transforms.none()).steps(300).learningRate(0.05);
        return new StyleTransfer(style, content, StyleLayers.NONE, null, 1e3, 0, new int[0], loop);
    }

    /**
     * The layers whose Gram matrices are matched to the style image's (required), weighted equally ({@code 1/L}
     * each, as in the paper); replaces any style layers given before.
     */
    public StyleTransfer styleLayers(String... layers) {
        return new StyleTransfer(style, content, StyleLayers.equal(layers), contentLayer, styleWeight,
                totalVariationWeight, styleSize, loop);
    }

    /**
     * Adds a style layer with a weight of its own, {@code w_l} in {@code Σ_l w_l · style(l, A_l)} (Gatys et al.
     * 2016, eq. 5), or changes the weight of a style layer already given:
     * {@code .styleLayer("Conv1_relu", 1).styleLayer("block_7_expand_relu", 0.2)}. Weights are used as given (not
     * normalised) and then multiplied by {@link #styleWeight}; 0 leaves the layer out.
     *
     * @throws IllegalArgumentException for a weight that is negative, NaN or infinite
     */
    public StyleTransfer styleLayer(String layer, double weight) {
        return new StyleTransfer(style, content, styleLayers.with(layer, weight), contentLayer, styleWeight,
                totalVariationWeight, styleSize, loop);
    }

    /** The layer whose activation is kept the content photo's (required). */
    public StyleTransfer contentLayer(String layer) {
        return new StyleTransfer(style, content, styleLayers, layer, styleWeight, totalVariationWeight, styleSize,
                loop);
    }

    /** The weight of the style terms against the content term (default 1e3; Gatys's β/α). */
    public StyleTransfer styleWeight(double weight) {
        return new StyleTransfer(style, content, styleLayers, contentLayer, weight, totalVariationWeight, styleSize,
                loop);
    }

    /** The weight of the total variation penalty {@code TV(β=2)}, a sum over pixels (default 0). */
    public StyleTransfer totalVariationWeight(double weight) {
        return new StyleTransfer(style, content, styleLayers, contentLayer, styleWeight, weight, styleSize, loop);
    }

    /** Takes a style picture at this size instead of the model's input size. */
    public StyleTransfer styleSize(int height, int width) {
        return new StyleTransfer(style, content, styleLayers, contentLayer, styleWeight, totalVariationWeight,
                StyleImages.size("style size", height, width), loop);
    }

    /** How the image is represented (default pixels with a sigmoid range; it must be a pixel parameterisation). */
    public StyleTransfer parameterization(Parameterization p) {
        return with(loop.parameterization(p));
    }

    /** Random transforms at each step (default: none). */
    public StyleTransfer transforms(Transforms t) {
        return with(loop.transforms(t));
    }

    /** The number of Adam steps (default 300). */
    public StyleTransfer steps(int n) {
        return with(loop.steps(n));
    }

    /** The learning rate (default 0.05). */
    public StyleTransfer learningRate(double lr) {
        return with(loop.learningRate(lr));
    }

    /** The seed (of the transforms' draws, when there are any; the start is the content photo). */
    public StyleTransfer seed(long seed) {
        return with(loop.seed(seed));
    }

    /** Also keeps the images at these steps. */
    public StyleTransfer thresholds(int... steps) {
        return with(loop.thresholds(steps));
    }

    private StyleTransfer with(FeatureVisualization newLoop) {
        return new StyleTransfer(style, content, styleLayers, contentLayer, styleWeight, totalVariationWeight,
                styleSize, newLoop);
    }

    /** The method's name. */
    public String name() {
        return "Style Transfer";
    }

    /** The content objective alone: {@code content(l_c, P)} with the photo's activation as target. */
    public Objective contentObjective(ExplainableModel model) {
        Objects.requireNonNull(model, "model");
        if (contentLayer == null) {
            throw new IllegalArgumentException("no content layer was given; name it with contentLayer(...), e.g."
                    + " \"block_5_expand_relu\" for MobileNetV2");
        }
        StyleImages.layers(model, List.of(contentLayer), "content layer", "name it with contentLayer(...)");
        StyleImages.Pixels photo = contentPixels(model);
        StyleImages.Activation a = StyleImages.targets(model, photo, List.of(contentLayer), false).get(contentLayer);
        return Objective.content(contentLayer, a.values(), a.shape());
    }

    /** The style objective alone: {@code Σ_l w_l style(l, A_l)} with the style image's Gram matrices. */
    public Objective styleObjective(ExplainableModel model) {
        Objects.requireNonNull(model, "model");
        return styleLayers.objective(model, style.pixels(model.spec(), styleSize), "name them with styleLayers(...),"
                + " e.g. for MobileNetV2 \"Conv1_relu\", \"block_2_expand_relu\", \"block_4_expand_relu\","
                + " \"block_7_expand_relu\"");
    }

    /**
     * The objective this transfer maximises on {@code model}:
     * {@code content + styleWeight · style − totalVariationWeight · TV(β=2)}, a value to inspect or recombine.
     */
    public Objective objective(ExplainableModel model) {
        Objective o = contentObjective(model).plus(styleObjective(model).times(styleWeight));
        return totalVariationWeight == 0 ? o : o.minus(Objective.totalVariation(2).times(totalVariationWeight));
    }

    /** Paints the content photo on {@code model}, starting from the photo. */
    public FeatureImage transfer(ExplainableModel model) {
        Objective objective = objective(model);
        FeatureImage img = loop.objective(objective).start(contentPixels(model).chw())
                .optimize(TextureSynthesis.reporting(model, name()));
        return TextureSynthesis.renamed(img, name(), parameters(), objective.description());
    }

    private StyleImages.Pixels contentPixels(ExplainableModel model) {
        StyleImages.Pixels p = content.pixels(model.spec(), new int[0]);
        if (p.height() != model.spec().height() || p.width() != model.spec().width()) {
            throw new IllegalArgumentException("the content image is " + p.height() + "×" + p.width() + " but the"
                    + " model's input is " + model.spec().height() + "×" + model.spec().width() + "; give it at that"
                    + " size, or state the size with model.withSpec(...)");
        }
        return p;
    }

    /** The settings as provenance text. */
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("style", style.describe());
        p.put("content", content.describe());
        p.put("styleLayers", styleLayers.describeNames());
        p.put("styleLayerWeights", styleLayers.describeWeights());
        p.put("contentLayer", String.valueOf(contentLayer));
        p.put("styleWeight", String.valueOf(styleWeight));
        p.put("totalVariationWeight", String.valueOf(totalVariationWeight));
        if (styleSize.length != 0) {
            p.put("styleSize", styleSize[0] + "×" + styleSize[1]);
        }
        p.putAll(loop.parameters());
        p.put("start", "content image");
        return p;
    }

    @Override
    public String toString() {
        return name() + " " + parameters();
    }
}
