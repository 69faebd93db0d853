package io.github.explain4j.djl;

import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Attributor;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.attribution.InputXGradient;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
import io.github.explain4j.djl.cam.GradCam;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One-line explanations of the model's top prediction with each method's defaults.
 *
 * <pre>{@code
 * Attribution cam = Explainer.gradCam(model, image);
 * Attribution ig = Explainer.explain(model, image, IntegratedGradients.create().steps(64), Target.label("cat"));
 * }</pre>
 */
public final class Explainer {

    private Explainer() {}

    /** Grad-CAM at the last spatial layer. */
    public static Attribution gradCam(ExplainableModel model, BufferedImage image) {
        return explain(model, image, GradCam.create(), Target.topPrediction());
    }

    /** Grad-CAM of an image file. */
    public static Attribution gradCam(ExplainableModel model, Path image) {
        return gradCam(model, Images.read(image));
    }

    /** The vanilla gradient. */
    public static Attribution saliency(ExplainableModel model, BufferedImage image) {
        return explain(model, image, Saliency.create(), Target.topPrediction());
    }

    /** Input × Gradient. */
    public static Attribution inputXGradient(ExplainableModel model, BufferedImage image) {
        return explain(model, image, InputXGradient.create(), Target.topPrediction());
    }

    /** SmoothGrad of the vanilla gradient (50 samples, noise 0.15, seed 0). */
    public static Attribution smoothGrad(ExplainableModel model, BufferedImage image) {
        return explain(model, image, SmoothGrad.of(Saliency.create()), Target.topPrediction());
    }

    /** Integrated Gradients from a black baseline in 50 steps. */
    public static Attribution integratedGradients(ExplainableModel model, BufferedImage image) {
        return explain(model, image, IntegratedGradients.create(), Target.topPrediction());
    }

    /** Any method and target: any {@link Attributor} of images on an {@link ExplainableModel}. */
    public static Attribution explain(ExplainableModel model, BufferedImage image,
            Attributor<ExplainableModel, BufferedImage> method, Target target) {
        Objects.requireNonNull(method, "method was null; pass a method such as GradCam.create()");
        return method.explain(model, image, target);
    }
}
