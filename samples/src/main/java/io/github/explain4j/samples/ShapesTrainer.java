package io.github.explain4j.samples;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.util.ProgressBar;
import io.github.explain4j.api.Images;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Trains {@link ShapesNet} on {@link SyntheticShapes} and writes its parameters, reproducibly:
 *
 * <pre>
 * mvn -q -pl samples -am install -DskipTests
 * mvn -q -pl samples exec:java -Dexec.mainClass=io.github.explain4j.samples.ShapesTrainer
 * </pre>
 *
 * Arguments (all optional): output file (default
 * {@code explain-djl/src/main/resources/io/github/explain4j/djl/zoo/shapes.params}), training images (default
 * 6000), epochs (default 8). PyTorch engine, Adam (learning rate 2e-3, then a tenth of it for each of the last two epochs),
 * batches of 32, fixed seeds. With {@code -Dshapes.smooth=true} it trains {@link ShapesNet#buildSmooth() the smooth
 * variant} into {@code shapes-smooth.params}.
 */
public final class ShapesTrainer {

    private ShapesTrainer() {}

    /** Trains and saves. */
    public static void main(String[] args) throws Exception {
        boolean smooth = Boolean.getBoolean("shapes.smooth");
        Path out = Path.of(args.length > 0 ? args[0] : "explain-djl/src/main/resources/io/github/explain4j/djl/zoo/"
                + (smooth ? ShapesNet.SMOOTH_PARAMETERS : ShapesNet.PARAMETERS));
        int trainSize = args.length > 1 ? Integer.parseInt(args[1]) : 6000;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int batch = 32;
        SyntheticShapes shapes = SyntheticShapes.create(64);
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(7);
        try (Model model = Model.newInstance("shapes-net", Device.cpu(), "PyTorch")) {
            Block block = smooth ? ShapesNet.buildSmooth() : ShapesNet.build();
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.multiFactor()
                            .setSteps(new int[] {(trainSize / batch) * (epochs - 2), (trainSize / batch) * (epochs - 1)})
                            .optFactor(0.1f)
                            .setBaseValue(2e-3f).build()).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(batch, 3, 64, 64));
                NDManager manager = model.getNDManager();
                for (int epoch = 0; epoch < epochs; epoch++) {
                    ProgressBar bar = new ProgressBar("epoch " + (epoch + 1) + "/" + epochs, trainSize / batch);
                    double lossSum = 0;
                    // a fresh permutation of the training split each epoch, deterministic
                    int[] order = permutation(trainSize, epoch);
                    for (int b = 0; b + batch <= trainSize; b += batch) {
                        try (NDManager scope = manager.newSubManager()) {
                            NDList data = batch(scope, shapes, SyntheticShapes.TRAIN_SEED, order, b, batch);
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray pred = trainer.forward(new NDList(data.get(0))).singletonOrThrow();
                                NDArray loss = Loss.softmaxCrossEntropyLoss()
                                        .evaluate(new NDList(data.get(1)), new NDList(pred));
                                gc.backward(loss);
                                lossSum += loss.getFloat();
                            }
                            trainer.step();
                        }
                        bar.increment(1);
                    }
                    bar.end();
                    System.out.printf("epoch %d: mean loss %.4f, held-out accuracy %.4f%n", epoch + 1,
                            lossSum / (trainSize / batch), accuracy(model, shapes, 600));
                }
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            try (OutputStream os = Files.newOutputStream(out);
                    DataOutputStream dos = new DataOutputStream(new BufferedOutputStream(os))) {
                block.saveParameters(dos);
            }
            System.out.println("wrote " + out.toAbsolutePath() + " (" + Files.size(out) + " bytes)");
        }
    }

    private static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        java.util.Random r = new java.util.Random(1000 + seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static NDList batch(NDManager scope, SyntheticShapes shapes, long seed, int[] order, int from, int n) {
        int per = 3 * 64 * 64;
        float[] x = new float[n * per];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            SyntheticShapes.Sample s = shapes.sample(seed, order == null ? from + i : order[from + i]);
            float[] chw = Images.toChw(s.image(), 3, 64, 64);
            for (int j = 0; j < per; j++) {
                x[i * per + j] = ShapesNet.SPEC.normalize(j / (64 * 64), chw[j]);
            }
            y[i] = s.label();
        }
        return new NDList(scope.create(x, new Shape(n, 3, 64, 64)), scope.create(y, new Shape(n)));
    }

    private static double accuracy(Model model, SyntheticShapes shapes, int count) {
        int correct = 0;
        try (NDManager scope = model.getNDManager().newSubManager()) {
            var ps = new ai.djl.training.ParameterStore(scope, false);
            for (int b = 0; b < count; b += 50) {
                NDList data = batch(scope, shapes, SyntheticShapes.TEST_SEED, null, b, 50);
                NDArray pred = model.getBlock().forward(ps, new NDList(data.get(0)), false).singletonOrThrow()
                        .argMax(1).toType(DataType.FLOAT32, false);
                correct += (int) pred.eq(data.get(1)).sum().getLong();
            }
        }
        return (double) correct / count;
    }
}
