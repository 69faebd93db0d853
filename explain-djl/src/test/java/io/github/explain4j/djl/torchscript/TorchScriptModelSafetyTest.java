package io.github.explain4j.djl.torchscript;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.InputXGradient;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.seam.ModelSeam;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Explaining a TorchScript module leaves it as it was — parameter values, their gradient flags (which
 * {@code trainParam=true} turns on), no parameter gradient, BatchNorm buffers — and releases every native array.
 * Concurrent explanations (forward passes outside the gradient lock while another thread's gradient pass has
 * switched the parameters' flags off) agree with sequential ones. PyTorch only: TorchScript is a PyTorch format.
 */
class TorchScriptModelSafetyTest {

    private static List<PtNDArray> parameters(Model model) {
        List<PtNDArray> out = new ArrayList<>();
        for (Parameter p : model.getBlock().getParameters().values()) {
            out.add((PtNDArray) p.getArray());
        }
        return out;
    }

    @Test
    void parametersFlagsGradientsAndBuffersAreUntouched() throws Exception {
        try (Model ts = TinyCnn.load(TinyCnn.EXPORTED)) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            List<PtNDArray> params = parameters(ts);
            assertEquals(8, params.size());
            List<float[]> values = new ArrayList<>();
            for (PtNDArray p : params) {
                values.add(p.toFloatArray());
                // what trainParam=true leaves: parameters that require gradients, none computed yet
                assertTrue(JniUtils.requiresGrad(p), p.getName());
                assertNull(JniUtils.getGradient(p), p.getName());
            }
            try (NDManager scope = ts.getNDManager().newSubManager()) {
                NDArray x = TinyCnn.input(scope);
                Saliency.create().explainTensor(model, x, Target.classIndex(1));
                GradCam.create().explainTensor(model, x, Target.topPrediction());
                IntegratedGradients.create().steps(4).explainTensor(model, x, Target.classIndex(2));
                SmoothGrad.of(Saliency.create()).samples(3).explainTensor(model, x, Target.classIndex(0));
                // buffers: running statistics still used as they were (the module stayed in eval mode)
                TorchScriptExplainTest.assertClose(TinyCnn.values("logits"),
                        model.seam().forward(scope, x).toFloatArray(), 1e-6, "logits after explaining");
            }
            for (int i = 0; i < params.size(); i++) {
                PtNDArray p = params.get(i);
                assertArrayEquals(values.get(i), p.toFloatArray(), p.getName());
                assertTrue(JniUtils.requiresGrad(p), p.getName() + " still requires gradients");
                assertNull(JniUtils.getGradient(p), p.getName() + " has no gradient");
            }
        }
    }

    @Test
    void repeatedExplanationsLeaveTheArrayCountAtItsBaseline() throws Exception {
        try (Model ts = TinyCnn.load(TinyCnn.EXPORTED); NDManager inputs = ts.getNDManager().newSubManager()) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            NDArray x = TinyCnn.input(inputs);
            List<AttributionMethod> methods = List.of(Saliency.create(), InputXGradient.create(), GradCam.create(),
                    IntegratedGradients.create().steps(3), SmoothGrad.of(Saliency.create()).samples(2));
            for (AttributionMethod method : methods) {
                method.explainTensor(model, x, Target.topPrediction()); // caches: layers, output shape
            }
            NDManager manager = ts.getNDManager();
            int baseline = manager.getManagedArrays().size();
            for (int i = 0; i < 100; i++) {
                methods.get(i % methods.size()).explainTensor(model, x, Target.topPrediction());
            }
            assertEquals(baseline, manager.getManagedArrays().size(), "arrays after 100 explanations");

            // the seam itself: everything it creates lands in the scope it is given
            ModelSeam seam = model.seam();
            for (int i = 0; i < 10; i++) {
                try (NDManager scope = manager.newSubManager()) {
                    int before = manager.getManagedArrays().size();
                    seam.forward(scope, x);
                    seam.activation(scope, x, "features");
                    seam.gradients(scope, x, null, out -> out.get(":, 0"));
                    seam.gradients(scope, x, "features", out -> out.get(":, 0"));
                    int inScope = scope.getManagedArrays().size();
                    assertEquals(before + inScope, manager.getManagedArrays().size(),
                            "every new array is in the call's scope");
                }
            }
            assertEquals(baseline, manager.getManagedArrays().size(), "arrays after the seam's own calls");
        }
    }

    @Test
    void concurrentExplanationsAgreeWithSequentialOnes() throws Exception {
        try (Model ts = TinyCnn.load(TinyCnn.EXPORTED); NDManager inputs = ts.getNDManager().newSubManager()) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            NDArray x = TinyCnn.input(inputs);
            List<AttributionMethod> methods = List.of(Saliency.create(), GradCam.create(),
                    IntegratedGradients.create().steps(5).batchSize(2));
            List<float[]> sequential = new ArrayList<>();
            for (AttributionMethod method : methods) {
                sequential.add(method.explainTensor(model, x, Target.classIndex(4)).get(1).values());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> futures = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    AttributionMethod method = methods.get(i % methods.size());
                    futures.add(pool.submit(() -> method.explainTensor(model, x, Target.classIndex(4)).get(1)
                            .values()));
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertArrayEquals(sequential.get(i % methods.size()), futures.get(i).get(), "call " + i);
                }
            } finally {
                pool.shutdownNow();
            }
            for (PtNDArray p : parameters(ts)) {
                assertTrue(JniUtils.requiresGrad(p), p.getName());
                assertNull(JniUtils.getGradient(p), p.getName());
            }
        }
    }
}
