package io.github.explain4j.djl.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.seam.ModelSeam;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Traces through a TorchScript module that exports {@code forward_trace(x)} (the fixture {@code tiny_cnn_trace.pt}
 * of {@code tools/make-torchscript.py}), against the same network rebuilt from DJL blocks with PyTorch's weights:
 * the named intermediates in one run, an objective mixing one of them with the output and its input gradient, the
 * gradient at {@code features}, and the refusals that list what the module can give.
 */
class TorchScriptTraceTest {

    private static final String TRACED = "tiny_cnn_trace.pt";
    private static final float TOLERANCE = 1e-5f;
    /** The module's entries and the DJL block's layers that compute the same tensors. */
    private static final Map<String, String> SAME = Map.of("conv1", "01Conv2d", "pool1", "04LambdaBlock",
            "conv2", "05Conv2d", "features", TinyCnn.DJL_FEATURES);

    private static TraceRequest.Objective mixed() {
        return t -> t.output().get(":, " + TinyCnn.targetClass()).sum().add(t.activation("conv2").square().mean());
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        float scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, scale), what + " [" + i + "]");
        }
    }

    @Test
    void namedIntermediatesAndMixedObjectivesEqualTheDjlBlocks() throws Exception {
        try (Model ts = TinyCnn.load(TRACED); NDManager m = TestNets.manager("PyTorch")) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            ExplainableModel djl = ExplainableModel.of(TinyCnn.djlBlock(m), m, TinyCnn.SPEC);
            List<String> listed = model.layers().stream().map(LayerInfo::path).toList();
            assertEquals(4, listed.size(), listed.toString());
            assertTrue(listed.containsAll(SAME.keySet()), listed.toString());
            model.call(scope -> {
                NDArray x = TinyCnn.input(scope);
                Trace t = model.seam().trace(scope, TraceRequest.of(x).capture("conv1", "pool1", "conv2", "features")
                        .objective(mixed()).inputGradient());
                NDArray xd = TinyCnn.input(scope);
                Trace d = djl.seam().trace(scope, TraceRequest.of(xd).capture(SAME.values().toArray(String[]::new))
                        .objective(v -> v.output().get(":, " + TinyCnn.targetClass()).sum()
                                .add(v.activation("05Conv2d").square().mean()))
                        .inputGradient());
                SAME.forEach((name, djlName) -> assertClose(d.activation(djlName).toFloatArray(),
                        t.activation(name).toFloatArray(), name));
                assertClose(TinyCnn.values("logits"), t.output().toFloatArray(), "output");
                assertEquals(d.objectiveValue(), t.objectiveValue(), 1e-5 * Math.abs(d.objectiveValue()), "objective");
                assertClose(d.inputGradient().toFloatArray(), t.inputGradient().toFloatArray(), "input gradient");
                // the gradient at features alone, through forward_head
                Trace f = model.seam().trace(scope, TraceRequest.of(x)
                        .objective(v -> v.output().get(":, " + TinyCnn.targetClass())).layerGradients("features"));
                Trace fd = djl.seam().trace(scope, TraceRequest.of(xd)
                        .objective(v -> v.output().get(":, " + TinyCnn.targetClass()))
                        .layerGradients(TinyCnn.DJL_FEATURES));
                assertClose(fd.layerGradient(TinyCnn.DJL_FEATURES).toFloatArray(),
                        f.layerGradient("features").toFloatArray(), "gradient at features");
                // stopping after features runs forward_features only and gives no output
                Trace early = model.seam().trace(scope, TraceRequest.of(x).capture("features").stopAfterCaptures());
                assertTrue(!early.hasOutput());
                assertClose(d.activation(TinyCnn.DJL_FEATURES).toFloatArray(),
                        early.activation("features").toFloatArray(), "features, stopped early");
                return null;
            });
        }
    }

    @Test
    void aLayerTheModuleCannotGiveIsRefusedWithWhatItCanGive() throws Exception {
        try (Model ts = TinyCnn.load(TRACED); Model exported = TinyCnn.load(TinyCnn.EXPORTED)) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            ModelSeam seam = model.seam();
            model.call(scope -> {
                NDArray x = TinyCnn.input(scope);
                IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                        () -> seam.trace(scope, TraceRequest.of(x).capture("bn1")));
                assertTrue(unknown.getMessage().contains("'bn1'") && unknown.getMessage().contains("'conv2'")
                        && unknown.getMessage().contains("'features'"), unknown.getMessage());
                IllegalArgumentException gradient = assertThrows(IllegalArgumentException.class,
                        () -> seam.trace(scope, TraceRequest.of(x).objective(v -> v.output().sum())
                                .layerGradients("conv2")));
                assertTrue(gradient.getMessage().contains("conv2") && gradient.getMessage().contains("at the input"),
                        gradient.getMessage());
                IllegalArgumentException edit = assertThrows(IllegalArgumentException.class,
                        () -> seam.trace(scope, TraceRequest.of(x).edit("conv2", a -> a.mul(0))));
                assertTrue(edit.getMessage().contains("conv2") && edit.getMessage().contains("'features'"),
                        edit.getMessage());
                return null;
            });
            // a feature visualisation of a layer the module does not export is refused the same way
            IllegalArgumentException fv = assertThrows(IllegalArgumentException.class,
                    () -> io.github.explain4j.djl.optim.FeatureVisualization.of(
                            io.github.explain4j.optim.Objective.channel("bn1", 0)).steps(2).optimize(model));
            assertTrue(fv.getMessage().contains("'bn1'") && fv.getMessage().contains("'conv2'"), fv.getMessage());
            // a module without forward_trace gives features only, and says how to export more
            ExplainableModel plainTrace = ExplainableModel.of(exported, TinyCnn.SPEC);
            plainTrace.call(scope -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> plainTrace.seam().trace(scope, TraceRequest.of(TinyCnn.input(scope)).capture("conv2")));
                assertTrue(e.getMessage().contains("'features'") && e.getMessage().contains("forward_trace"),
                        e.getMessage());
                return null;
            });
        }
    }
}
