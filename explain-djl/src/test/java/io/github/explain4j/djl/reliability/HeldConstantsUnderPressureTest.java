package io.github.explain4j.djl.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.optim.ImageParameterization;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.Parameterization;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Constants held across the steps of an optimisation (the Fourier parameterisation's inverse-DFT matrices and
 * spectrum scale, built once by {@link ImageParameterization#bind}) give the same gradients as constants built in
 * each pass, while the JVM allocates and collects.
 *
 * <p>Why: a result takes the scope of its op's first operand. Used directly, the held matrices put the inverse
 * DFT's results — and the {@code div(4)} after it, whose Java-number operand PyTorch's autograd keeps — in the
 * long-lived scope, outside the pass's pinned one. Measured with the matrices used directly (2 cores, this
 * pressure, a 32×32 decorrelated Fourier image, 300 passes): on PyTorch 26 gradients of 300 wrong — the "three runs,
 * three images" of issue 10's first attempt at caching them — on MXNet none; on both about 6,600 arrays piled up in
 * the long-lived scope. With {@code bind}, which copies the constants into each pass's scope: 0 wrong, none left.
 */
class HeldConstantsUnderPressureTest {

    private static final int PASSES = 300;

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void boundFourierParametersGiveTheSameGradientsUnderAllocation(String engine) throws Exception {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.linear(3), m, DataType.FLOAT32, new Shape(1, 3, 32, 32), 5);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(32, 32));
            ImageParameterization p = new ImageParameterization(Parameterization.fft().decorrelated(), 3, 32, 32);
            NDArray theta = p.initial(m, 11);
            NDArray weights = TestNets.randomInput(m, new Shape(1, 3, 32, 32), DataType.FLOAT32, 12);
            float[] reference = gradient(model, m, theta, weights, q -> p.image(q));
            ImageParameterization.Bound bound = p.bind(m, DataType.FLOAT32);
            int arrays = m.getManagedArrays().size();
            int wrong = 0;
            double worst = 0;
            try (AllocationPressure pressure = AllocationPressure.start()) {
                for (int pass = 0; pass < PASSES; pass++) {
                    float[] g = gradient(model, m, theta, weights, bound::image);
                    double err = 0;
                    for (int i = 0; i < g.length; i++) {
                        double d = Math.abs(g[i] - reference[i]) / Math.max(1e-3, Math.abs(reference[i]));
                        err = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(err, d);
                    }
                    wrong += err > 1e-4 ? 1 : 0;
                    worst = Math.max(worst, err);
                }
            }
            assertEquals(0, wrong, engine + ": " + wrong + " of " + PASSES + " passes gave another gradient (worst"
                    + " relative difference " + worst + ")");
            assertEquals(arrays, m.getManagedArrays().size(), engine + ": arrays computed in the passes stayed behind"
                    + " in the long-lived scope");
        }
    }

    /** The gradient w.r.t. {@code theta} of {@code Σ image(theta) · weights}, through a trace. */
    private static float[] gradient(ExplainableModel model, NDManager m, NDArray theta, NDArray weights,
            java.util.function.UnaryOperator<NDArray> image) {
        try (NDManager pass = m.newSubManager()) {
            return model.seam().trace(pass, TraceRequest.fromParameters(List.of(theta), q -> image.apply(q.head()))
                    .objective(t -> t.input().mul(weights).sum())).parameterGradients().get(0).toFloatArray();
        }
    }
}
