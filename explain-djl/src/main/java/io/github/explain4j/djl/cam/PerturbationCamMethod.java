package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Batches;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.core.Tally;
import java.util.function.Function;

/**
 * The template of the class-activation maps whose channel weights come from forward passes instead of gradients:
 * one perturbed pass per channel and input. For each input it reads the layer's feature maps {@code A}, asks the
 * variant for the channel weights {@link #weights(Probe) w}, and returns {@code Σ_k w_k A^k}; {@link CamMethod}
 * applies the ReLU, upsamples and averages layers.
 *
 * <p>A variant perturbs the input or the layer through a {@link Probe}: {@link Probe#scores} runs the perturbed
 * copies through the model in batches of {@link #batchSize}, each batch in its own scope, reports progress, and
 * returns the target score of each. Score-CAM:
 * {@code return softmax(probe.scores((chunk, first, count) -> forward(masked input)));}
 *
 * @param <S> the concrete variant
 */
public abstract class PerturbationCamMethod<S extends PerturbationCamMethod<S>> extends CamMethod<S> {

    /** A variant with these settings; {@code copy} is its constructor. */
    protected PerturbationCamMethod(Settings settings, Function<Settings, S> copy) {
        super(settings, copy);
    }

    /**
     * The channel weights {@code w_k} of one input; the map is {@code Σ_k w_k A^k}.
     *
     * @param probe the input, its feature maps and the means to score perturbed copies of it
     * @return {@code K} weights
     */
    protected abstract double[] weights(Probe probe);

    /**
     * The model's outputs for {@code count} perturbed copies of one input, copy {@code m} with channel
     * {@code first + m} perturbed; every array it creates belongs to {@code chunk}.
     */
    @FunctionalInterface
    protected interface Perturbation {
        /** The outputs {@code (count, classes…)}. */
        NDArray outputs(NDManager chunk, int first, int count);
    }

    @Override
    protected final LayerMaps layerMaps(ExplainableModel model, NDManager scope, NDArray input,
            ResolvedTarget target, String layer) {
        ResolvedTarget fixed = target.fixed(model, scope, input);
        FeatureMaps[] a = featureMaps(layer, model.seam().activation(scope, input, layer));
        Tally tally = Tally.of(model, name(), (long) a.length * a[0].channels());
        float[][] maps = new float[a.length][];
        for (int n = 0; n < a.length; n++) {
            NDArray x = input.get(new NDIndex(n + ":" + (n + 1)));
            Probe probe = new Probe(model, scope, x, layer, a[n], fixed.slice(n, n + 1), settings().batchSize(),
                    tally);
            maps[n] = a[n].channelSum(weights(probe));
        }
        return new LayerMaps(maps, a[0].height(), a[0].width(), fixed.classesOrNone(a.length));
    }

    /** What a perturbation variant sees of one input at one layer. */
    protected static final class Probe {
        private final ExplainableModel model;
        private final NDManager scope;
        private final NDArray input;
        private final String layer;
        private final FeatureMaps maps;
        private final ResolvedTarget target;
        private final int batchSize;
        private final Tally tally;

        private Probe(ExplainableModel model, NDManager scope, NDArray input, String layer, FeatureMaps maps,
                ResolvedTarget target, int batchSize, Tally tally) {
            this.model = model;
            this.scope = scope;
            this.input = input;
            this.layer = layer;
            this.maps = maps;
            this.target = target;
            this.batchSize = batchSize;
            this.tally = tally;
        }

        /** The model. */
        public ExplainableModel model() {
            return model;
        }

        /** The model input {@code (1, C, H, W)}; belongs to the call's scope, do not close or modify it. */
        public NDArray input() {
            return input;
        }

        /** The resolved path of the layer. */
        public String layer() {
            return layer;
        }

        /** The layer's feature maps {@code A} for this input. */
        public FeatureMaps maps() {
            return maps;
        }

        /** The target score of the unperturbed input (one forward pass). */
        public double score() {
            try (NDManager pass = scope.newSubManager()) {
                return target.scoreFunction().scores(model.seam().forward(pass, input))
                        .toType(DataType.FLOAT32, false).getFloat(0);
            }
        }

        /**
         * The target score of the input with each channel perturbed in turn: {@code K} passes, in batches.
         *
         * @param perturbation the outputs for a batch of perturbed copies
         * @return {@code K} scores, score {@code k} with channel {@code k} perturbed
         */
        public double[] scores(Perturbation perturbation) {
            double[] scores = new double[maps.channels()];
            Batches.inChunks(scope, maps.channels(), batchSize, tally, (chunk, first, count) -> {
                NDArray out = perturbation.outputs(chunk, first, count);
                float[] y = target.repeatEach(count).scoreFunction().scores(out).toType(DataType.FLOAT32, false)
                        .toFloatArray();
                for (int m = 0; m < count; m++) {
                    scores[first + m] = y[m];
                }
            });
            return scores;
        }
    }
}
