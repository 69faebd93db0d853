package io.github.explain4j.djl.seam;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Objectives;
import io.github.explain4j.djl.tfjs.TfjsModels;
import io.github.explain4j.optim.Objective;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Gradients through the imported MobileNetV2's 52 BatchNorm layers are the same on both engines: the input gradient
 * of a channel right after a BatchNorm, of a channel two blocks deeper (through a residual sum) and of the output,
 * for a photo, agree between PyTorch and MXNet to 1e-4 of the largest value (float32 rounding through 10 blocks:
 * measured ≤ 5e-7).
 *
 * <p>Before the fix, MXNet ran BatchNorm as its own {@code batch_norm} with {@code use_global_stats=True}, whose
 * backward pass is wrong on some layers: the two engines differed by 3.9 % of the largest value after
 * {@code block_1_project_BN}, 2.0 % at {@code block_2_expand_relu}, 2.2 % at {@code block_3_expand_relu}, while the
 * layer-by-layer chain rule on MXNet agreed with PyTorch (and with MXNet's affine map) to 3e-7 — a plausible map,
 * silently wrong. And a channel objective on a BatchNorm's output failed on MXNet ("could not construct a
 * sub-memory": MXNet keeps convolution outputs in a blocked layout it cannot slice by channel); traces now hand out
 * captured layers in the plain layout.
 */
class BatchNormGradientTest {

    @Test
    void mobileNetV2InputGradientsAgreeAcrossEngines() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        BufferedImage photo = ImageIO.read(root.resolve("assets/images/chelsea.png").toFile());
        Map<String, Objective> objectives = new LinkedHashMap<>();
        objectives.put("block_1_project_BN", Objective.channel("block_1_project_BN", 5));
        objectives.put("block_3_expand_relu", Objective.channel("block_3_expand_relu", 5));
        objectives.put("block_10_project_BN", Objective.layer("block_10_project_BN"));
        Map<String, List<float[]>> byEngine = new LinkedHashMap<>();
        for (String engine : List.of("PyTorch", "MXNet")) {
            try (Model m = TfjsModels.mobileNetV2(root.resolve("models"), engine)) {
                ExplainableModel model = ExplainableModel.of(m, InputSpec.rgb(224, 224))
                        .withSpec(InputSpec.rgb(96, 96));
                byEngine.put(engine, model.call(scope -> {
                    List<float[]> out = new java.util.ArrayList<>();
                    for (Objective o : objectives.values()) {
                        TraceRequest r = Objectives.request(TraceRequest.of(model.pixelsToInput(scope,
                                Images.toChw(photo, 3, 96, 96))).inputGradient(), o, () -> null);
                        out.add(model.seam().trace(scope, r).inputGradient().toFloatArray());
                    }
                    return out;
                }));
            }
        }
        int k = 0;
        for (String layer : objectives.keySet()) {
            float[] a = byEngine.get("PyTorch").get(k);
            float[] b = byEngine.get("MXNet").get(k++);
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            System.out.printf("%s: MXNet vs PyTorch input gradient, max difference %.2e of the largest %.3e%n", layer,
                    diff / scale, scale);
            assertTrue(scale > 0 && diff <= 1e-4 * scale, layer + ": the engines' input gradients differ by "
                    + diff / scale + " of the largest value");
        }
    }
}
