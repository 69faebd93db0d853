package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.backprop.Deconvnet;
import io.github.explain4j.djl.backprop.GuidedBackprop;
import io.github.explain4j.djl.backprop.Lrp;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.combined.GuidedGradCam;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.testkit.AttributionContract;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in method through the contract kit ({@link AttributionContract}) on both engines, and the refusals of
 * the built-in settings.
 */
class MethodContractTest extends AttributionContract {

    @Override
    protected List<ContractCase> cases() {
        return List.of(
                ContractCase.of(Saliency.create()),
                ContractCase.of(InputXGradient.create()),
                ContractCase.of(GradCam.create()),
                ContractCase.of(GradCam.at("05ParallelBlock")),
                ContractCase.of(IntegratedGradients.create().steps(6).batchSize(4)),
                ContractCase.of(IntegratedGradients.create().rule(IntegratedGradients.Rule.ADAPTIVE).steps(12)
                        .batchSize(5)),
                ContractCase.of(SmoothGrad.of(Saliency.create()).samples(5).batchSize(2).seed(3)),
                ContractCase.of(SmoothGrad.of(GradCam.create()).samples(3).variant(SmoothGrad.Variant.VARIANCE)
                        .seed(4)),
                ContractCase.of(io.github.explain4j.djl.cam.Cam.create()),
                ContractCase.of(io.github.explain4j.djl.cam.GradCamPlusPlus.create()),
                ContractCase.of(io.github.explain4j.djl.cam.XGradCam.create()),
                ContractCase.of(io.github.explain4j.djl.cam.HiResCam.create()),
                ContractCase.of(io.github.explain4j.djl.cam.LayerCam.at("05ParallelBlock", "09LambdaBlock")),
                ContractCase.of(io.github.explain4j.djl.cam.EigenCam.create()),
                ContractCase.of(io.github.explain4j.djl.cam.ScoreCam.create().batchSize(5)),
                ContractCase.of(io.github.explain4j.djl.cam.AblationCam.create().batchSize(5)),
                ContractCase.of(io.github.explain4j.djl.perturbation.Occlusion.create().window(3).stride(2)
                        .batchSize(8)),
                ContractCase.of(io.github.explain4j.djl.perturbation.Rise.create().masks(12).cells(3).batchSize(5)
                        .seed(2)),
                ContractCase.of(io.github.explain4j.djl.perturbation.Lime.create().superpixels(6).samples(24)
                        .seed(3)),
                ContractCase.onReluBlocks(GuidedBackprop.create()),
                ContractCase.onReluBlocks(Deconvnet.create()),
                ContractCase.onReluBlocks(GuidedGradCam.create()),
                ContractCase.onReluBlocks(GuidedGradCam.at("05NamedParallelBlock")),
                ContractCase.onReluBlocks(Lrp.epsilon(1e-6)),
                ContractCase.onReluBlocks(Lrp.alphaBeta(2, 1)),
                ContractCase.onReluBlocks(Lrp.gamma(0.25)),
                ContractCase.onReluBlocks(Lrp.of(io.github.explain4j.djl.backprop.EpsilonRule.of(0.25))
                        .first(io.github.explain4j.djl.backprop.ZBoxRule.fromSpec())
                        .layers(1, 3, io.github.explain4j.djl.backprop.GammaRule.of(0.25))),
                ContractCase.onReluBlocks(SmoothGrad.of(GuidedBackprop.create()).samples(3).seed(5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void closedModelUnknownLayerAndNonPositiveSettingsAreRefused(String engine) {
        withModel(engine, ContractNet.RESIDUAL, (m, model, x) -> {
            expect(IllegalArgumentException.class, "unknown layer 'stage9'",
                    () -> GradCam.at("stage9").explainTensor(model, x, Target.topPrediction()));
            expect(IllegalArgumentException.class, "class-activation maps need feature maps",
                    () -> GradCam.at("11Linear").explainTensor(model, x, Target.topPrediction()));
            expect(IllegalArgumentException.class, "steps was 0", () -> IntegratedGradients.create().steps(0));
            expect(IllegalArgumentException.class, "samples was -1",
                    () -> SmoothGrad.of(Saliency.create()).samples(-1));
            expect(IllegalArgumentException.class, "batch size was 0",
                    () -> IntegratedGradients.create().batchSize(0));
            expect(IllegalArgumentException.class, "noise was NaN",
                    () -> SmoothGrad.of(Saliency.create()).noise(Double.NaN));
            expect(IllegalArgumentException.class, "tolerance was -0.01",
                    () -> IntegratedGradients.create().tolerance(-0.01));
            expect(IllegalArgumentException.class, "tolerance was NaN",
                    () -> IntegratedGradients.create().tolerance(Double.NaN));
            expect(IllegalArgumentException.class, "add .rule(IntegratedGradients.Rule.ADAPTIVE)",
                    () -> IntegratedGradients.create().tolerance(0.01).explainTensor(model, x,
                            Target.topPrediction()));
        });
        NDManager m = TestNets.manager(engine);
        SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 21);
        ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8)).withName("closed-net");
        m.close();
        try (NDManager other = TestNets.manager(engine)) {
            expect(IllegalStateException.class, "model 'closed-net' is closed",
                    () -> Saliency.create().explainTensor(model, other.zeros(INPUT), Target.topPrediction()));
        }
    }
}
