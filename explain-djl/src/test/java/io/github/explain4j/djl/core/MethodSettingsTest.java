package io.github.explain4j.djl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.api.Baseline;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
import io.github.explain4j.djl.cam.ScoreCam;
import io.github.explain4j.djl.perturbation.Lime;
import io.github.explain4j.djl.perturbation.Occlusion;
import io.github.explain4j.djl.perturbation.Rise;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provenance parameters derived from a settings record, and the texts the built-in methods have always given. */
class MethodSettingsTest {

    private enum Mode { FAST, EXACT }

    private record Example(int steps, double noise, Mode mode, Baseline baseline, String absent, long seed,
            Object inner) implements MethodSettings {
        @Override
        public String describe(String component, Object value) {
            return component.equals("noise") ? "σ " + noise : MethodSettings.super.describe(component, value);
        }
    }

    @Test
    void componentsInOrderUnderTheirNamesWithNullsAndTheSeedLeftOut() {
        Map<String, String> p = new Example(7, 0.5, Mode.EXACT, Baseline.blurred(2), null, 42L, 3).parameters();
        assertEquals(List.of("steps", "noise", "mode", "baseline", "inner"), List.copyOf(p.keySet()));
        assertEquals(Map.of("steps", "7", "noise", "σ 0.5", "mode", "EXACT", "baseline", "blurred (sigma 2.0)",
                "inner", "3"), p);
        assertThrows(UnsupportedOperationException.class, () -> p.put("x", "y"));
    }

    @Test
    void aWrappedMethodGivesItsNameAndItsParametersAfterTheComponents() {
        Map<String, String> p = new Example(1, 0, Mode.FAST, Baseline.black(), "a",
                0L, IntegratedGradients.create().steps(9)).parameters();
        assertEquals(List.of("steps", "noise", "mode", "baseline", "absent", "inner", "Integrated Gradients.baseline",
                "Integrated Gradients.steps", "Integrated Gradients.rule", "Integrated Gradients.batchSize"),
                List.copyOf(p.keySet()));
        assertEquals("Integrated Gradients", p.get("inner"));
        assertEquals("9", p.get("Integrated Gradients.steps"));
    }

    @Test
    void onlyARecordCanDeriveItsParameters() {
        MethodSettings notARecord = new MethodSettings() {};
        IllegalStateException e = assertThrows(IllegalStateException.class, notARecord::parameters);
        assertTrue(e.getMessage().contains("is not a record"), e.getMessage());
    }

    @Test
    void builtInMethodsKeepTheirParameterTexts() {
        assertEquals(Map.of(), Saliency.create().parameters());
        assertEquals("{baseline=black, steps=50, rule=GAUSS_LEGENDRE, batchSize=16}",
                IntegratedGradients.create().parameters().toString());
        assertEquals("{baseline=uniform noise (seed 3), steps=8, rule=ADAPTIVE, tolerance=0.01, batchSize=4}",
                IntegratedGradients.create().baseline(Baseline.uniformNoise(3)).steps(8)
                        .rule(IntegratedGradients.Rule.ADAPTIVE).tolerance(0.01).batchSize(4).parameters()
                        .toString());
        assertEquals("{inner=Saliency, samples=50, noise=0.15, batchSize=16}",
                SmoothGrad.of(Saliency.create()).seed(5).variant(SmoothGrad.Variant.VARIANCE).parameters()
                        .toString());
        assertEquals("{inner=Integrated Gradients, samples=3, noise=0.15, batchSize=16, Integrated Gradients.baseline"
                + "=black, Integrated Gradients.steps=50, Integrated Gradients.rule=GAUSS_LEGENDRE, Integrated"
                + " Gradients.batchSize=16}", SmoothGrad.of(IntegratedGradients.create()).samples(3).parameters()
                .toString());
        assertEquals("{window=8, stride=4, fill=0.5, batchSize=32}", Occlusion.create().parameters().toString());
        assertEquals("{window=3, stride=2, fill=0.3, batchSize=7, featureMap=stage3:12}", Occlusion.create()
                .window(3).stride(2).fill(0.3f).batchSize(7).featureMap("stage3", 12).parameters().toString());
        assertEquals("{masks=1000, cells=7, keep=0.5, batchSize=32}", Rise.create().seed(9).parameters().toString());
        assertEquals("{superpixels=50, samples=500, kernelWidth=0.25, ridge=1.0, fill=superpixel mean,"
                + " batchSize=32}", Lime.create().parameters().toString());
        assertEquals("{superpixels=50, samples=500, kernelWidth=0.25, ridge=1.0, fill=0.5, batchSize=32}",
                Lime.create().fill(0.5f).parameters().toString());
        assertEquals("{layers=last spatial, relu=true}", ScoreCam.create().batchSize(5).parameters().toString());
        assertEquals("{layers=a,b, relu=false}", ScoreCam.at("a", "b").relu(false).parameters().toString());
    }
}
