package io.github.explain4j.samples.inversion;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.CosineTracker;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.optim.InversionDecoder;
import io.github.explain4j.djl.optim.LearnedInversion;
import io.github.explain4j.optim.Inversion;
import io.github.explain4j.samples.fashion.FashionMnist;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains the up-convolutional decoders of {@link LearnedInversion} (Dosovitskiy &amp; Brox 2016): for each model
 * of {@link InversionFixtures} and each of its layers, a small {@link InversionDecoder} that maps the layer's
 * features of a training image back to the image (loss: mean squared pixel error), and saves it to
 * {@value InversionFixtures#DECODER_DIR}/{@code <model>-<layer>-0000.params} with the training record in its
 * properties. The models' parameters stay fixed; features are computed in inference mode.
 *
 * <p>From the repository root (FashionNet needs the training split: {@code apt-get install
 * dataset-fashion-mnist}):
 * <pre>
 * mvn -o -q -pl samples -am install -DskipTests
 * OMP_NUM_THREADS=1 mvn -o -q -pl samples exec:java \
 *     -Dexec.mainClass=io.github.explain4j.samples.inversion.InversionTrainer
 * </pre>
 * Options, passed with {@code -Dexec.args="..."}: {@code --model fashion|shapes|all} (default all),
 * {@code --layers a,b} (default the fixture's three), {@code --train N} training images (default 20000 Fashion-MNIST
 * images, 4000 shapes), {@code --epochs N} (default 3 for FashionNet, 5 for ShapesNet), {@code --width K}
 * (default 24 for FashionNet, 16 for
 * ShapesNet, whose decoders work at 64×64), {@code --batch N} (default 64 for FashionNet, 32 for ShapesNet),
 * {@code --seed S} (default 11), {@code --out DIR}, {@code --data DIR} (Fashion-MNIST; default
 * {@value FashionMnist#DEFAULT_DIR}).
 *
 * <p>Training: PyTorch engine, Adam with learning rate 2e-3 decayed by a cosine to 1e-5, images shuffled each
 * epoch with the seed, the decoder initialised by DJL's default (Xavier) from the engine seed.
 */
public final class InversionTrainer {


    private InversionTrainer() {}

    /** What one run was asked to do. */
    record Options(List<InversionFixtures> models, List<String> layers, int train, int epochs, int width, int batch,
            long seed, Path out, Path data) {

        static Options parse(String[] args) {
            List<InversionFixtures> models = List.of(InversionFixtures.values());
            List<String> layers = List.of();
            int train = -1;
            int epochs = -1;
            int width = -1;
            int batch = -1;
            long seed = 11;
            Path out = InversionFixtures.root().resolve(InversionFixtures.DECODER_DIR);
            Path data = Paths.get(FashionMnist.DEFAULT_DIR);
            for (int i = 0; i + 1 < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--model" -> models = v.equals("all") ? models
                            : List.of(InversionFixtures.valueOf(v.toUpperCase(Locale.ROOT)));
                    case "--layers" -> layers = List.of(v.split(","));
                    case "--train" -> train = Integer.parseInt(v);
                    case "--epochs" -> epochs = Integer.parseInt(v);
                    case "--width" -> width = Integer.parseInt(v);
                    case "--batch" -> batch = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--out" -> out = Paths.get(v);
                    case "--data" -> data = Paths.get(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see the class"
                            + " documentation");
                }
            }
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("option " + args[args.length - 1] + " needs a value");
            }
            return new Options(models, layers, train, epochs, width, batch, seed, out, data);
        }
    }

    /** Trains and saves every decoder asked for. */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        for (InversionFixtures f : o.models()) {
            int n = o.train() > 0 ? o.train() : f == InversionFixtures.FASHION ? 20000 : 4000;
            long t0 = System.nanoTime();
            List<float[]> train = f == InversionFixtures.FASHION
                    ? InversionFixtures.fashion(FashionMnist.load(o.data(), FashionMnist.Split.TRAIN), 0, n)
                    : InversionFixtures.shapes(SyntheticShapes.TRAIN_SEED, 0, n);
            List<float[]> heldOut = f.heldOut(0, 500);
            log("%s: %d training and %d held-out images in %.1f s", f.key(), train.size(), heldOut.size(),
                    secs(t0));
            try (Model m = f.load("PyTorch")) {
                ExplainableModel model = f.explainable(m);
                for (String layer : o.layers().isEmpty() ? f.layers() : o.layers()) {
                    train(f, model, layer, train, heldOut, o);
                }
            }
        }
    }

    static void train(InversionFixtures f, ExplainableModel model, String layer, List<float[]> train,
            List<float[]> heldOut, Options o) throws Exception {
        long t0 = System.nanoTime();
        boolean fashion = f == InversionFixtures.FASHION;
        int epochs = o.epochs() > 0 ? o.epochs() : fashion ? 3 : 5;
        int width = o.width() > 0 ? o.width() : fashion ? 24 : 16;
        int batchSize = o.batch() > 0 ? o.batch() : fashion ? 64 : 32;
        Engine.getEngine("PyTorch").setRandomSeed((int) o.seed());
        String resolved = model.seam().resolveLayer(layer);
        InputSpec spec = model.spec();
        Shape image = new Shape(spec.channels(), spec.height(), spec.width());
        int size = (int) image.size();
        Shape features = new Shape(model.layer(resolved).outputShape()).slice(1);
        int steps = train.size() / batchSize;
        float[] meanImage = new float[size];
        for (float[] x : train) {
            for (int j = 0; j < size; j++) {
                meanImage[j] += x[j] / train.size();
            }
        }
        try (InversionDecoder decoder = InversionDecoder.create("PyTorch", model.name(), resolved, features, image,
                width)) {
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(Adam.builder()
                    .optLearningRateTracker(CosineTracker.builder().setBaseValue(2e-3f).optFinalValue(1e-5f)
                            .setMaxUpdates(epochs * steps).build()).build());
            double lastLoss = 0;
            try (Trainer trainer = decoder.model().newTrainer(config)) {
                trainer.initialize(new Shape(batchSize).addAll(features));
                Random shuffle = new Random(o.seed());
                int[] order = new int[train.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                float[] batch = new float[batchSize * size];
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    shuffle(order, shuffle);
                    double lossSum = 0;
                    long e0 = System.nanoTime();
                    for (int s = 0; s < steps; s++) {
                        for (int i = 0; i < batchSize; i++) {
                            System.arraycopy(train.get(order[s * batchSize + i]), 0, batch, i * size, size);
                        }
                        lossSum += model.call(scope -> {
                            NDArray x = scope.create(batch, new Shape(batchSize).addAll(image));
                            NDArray mean = scope.create(spec.mean(), new Shape(1, spec.channels(), 1, 1));
                            NDArray std = scope.create(spec.std(), new Shape(1, spec.channels(), 1, 1));
                            NDArray phi = model.seam().activation(scope, x.sub(mean).div(std), resolved);
                            float loss;
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray y = trainer.forward(new NDList(phi)).singletonOrThrow();
                                NDArray l = trainer.getLoss().evaluate(new NDList(x), new NDList(y));
                                gc.backward(l);
                                loss = l.getFloat();
                            }
                            trainer.step();
                            return (double) loss;
                        });
                    }
                    lastLoss = 2 * lossSum / steps;
                    log("%s %s epoch %d/%d: training MSE %.5f (%.0f s)", f.key(), layer, epoch, epochs,
                            lastLoss, secs(e0));
                }
            }
            List<Inversion> recon = new ArrayList<>();
            for (int from = 0; from < heldOut.size(); from += 100) {
                recon.addAll(LearnedInversion.at(layer, decoder).invertAll(model,
                        heldOut.subList(from, Math.min(heldOut.size(), from + 100))));
            }
            double mse = 0;
            double baseline = 0;
            double featureError = 0;
            for (int i = 0; i < heldOut.size(); i++) {
                float[] x = heldOut.get(i);
                float[] y = recon.get(i).image();
                for (int j = 0; j < size; j++) {
                    mse += (y[j] - x[j]) * (y[j] - x[j]);
                    baseline += (meanImage[j] - x[j]) * (meanImage[j] - x[j]);
                }
                featureError += recon.get(i).relativeFeatureError().get(layer);
            }
            mse /= (double) heldOut.size() * size;
            baseline /= (double) heldOut.size() * size;
            featureError /= heldOut.size();
            Map<String, String> record = new LinkedHashMap<>();
            record.put("explain4j.inversion.training", String.format(Locale.ROOT, "%d images, %d epochs, batch %d,"
                    + " width %d, Adam 2e-3 cosine to 1e-5, seed %d, PyTorch; %.0f s", train.size(), epochs,
                    batchSize, width, o.seed(), secs(t0)));
            record.put("explain4j.inversion.heldOut", String.format(Locale.ROOT, "%d images: pixel MSE %.5f, mean"
                    + " image %.5f, relative feature error %.4f", heldOut.size(), mse, baseline, featureError));
            Path file = decoder.save(o.out(), f.decoderName(layer), record);
            log("%s %s (%s → %s): held-out pixel MSE %.5f vs mean image %.5f (ratio %.3f), relative feature error"
                    + " %.4f; %s, %d bytes, %.0f s", f.key(), layer, features, image, mse, baseline, mse / baseline,
                    featureError, file, java.nio.file.Files.size(file), secs(t0));
        }
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    private static double secs(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
