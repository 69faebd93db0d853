package io.github.explain4j.samples.fashion;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Random;

/**
 * Trains {@link FashionNet} on Fashion-MNIST on the CPU with the PyTorch engine and saves its parameters in
 * DJL's engine-neutral format ({@code fashion-mnist-0000.params}, loadable by the PyTorch and the MXNet engine),
 * with {@code synset.txt} (the labels) and a {@code README.md} that records the run.
 *
 * <p>Reproduce the committed fixture from the repository root (about 5.5 minutes of CPU time: a few minutes on
 * two free cores, ten when they were shared with other jobs):
 * <pre>
 * apt-get install dataset-fashion-mnist
 * mvn -o -q -pl samples -am compile exec:java -Dexec.mainClass=io.github.explain4j.samples.fashion.FashionMnistTrainer
 * </pre>
 * Options, passed with {@code -Dexec.args="..."}: {@code --data DIR} (default
 * {@value FashionMnist#DEFAULT_DIR}), {@code --out DIR} (default {@code models/fashion-mnist} under the repository
 * root), {@code --epochs N} (default {@value #DEFAULT_EPOCHS}), {@code --seed S} (default {@value #DEFAULT_SEED}).
 *
 * <p>Training: Adam (β 0.9/0.999), learning rate 2e-3 decayed by a cosine to 1e-5 over all steps, batch 128,
 * softmax cross-entropy, Xavier initialisation, examples shuffled each epoch with the seed; no augmentation.
 */
public final class FashionMnistTrainer {

    static final int DEFAULT_EPOCHS = 3;
    static final long DEFAULT_SEED = 42;
    static final int BATCH = 128;
    static final float LEARNING_RATE = 2e-3f;
    static final float FINAL_LEARNING_RATE = 1e-5f;
    private static final int LOG_EVERY = 100;

    private FashionMnistTrainer() {
    }

    /** What one run was asked to do. */
    record Options(Path data, Path out, int epochs, long seed) {

        static Options parse(String[] args) {
            Path data = Paths.get(FashionMnist.DEFAULT_DIR);
            Path out = repositoryRoot().resolve("models").resolve(FashionNet.MODEL_NAME);
            int epochs = DEFAULT_EPOCHS;
            long seed = DEFAULT_SEED;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    throw new IllegalArgumentException("help");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--data" -> data = Paths.get(value);
                    case "--out" -> out = Paths.get(value);
                    case "--epochs" -> epochs = positive(flag, value);
                    case "--seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            return new Options(data, out, epochs, seed);
        }

        private static int positive(String flag, String value) {
            int n = Integer.parseInt(value);
            if (n <= 0) {
                throw new IllegalArgumentException(flag + " was " + n + "; expected a positive number");
            }
            return n;
        }

        /** The nearest directory, from the working directory up, that holds {@code samples/pom.xml}. */
        private static Path repositoryRoot() {
            Path cwd = Paths.get("").toAbsolutePath();
            for (Path p = cwd; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("samples").resolve("pom.xml"))) {
                    return p;
                }
            }
            return cwd;
        }
    }

    /**
     * Runs the training.
     *
     * @param args options; see the class documentation
     * @throws Exception if the dataset cannot be read or the model cannot be saved
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println((e.getMessage().equals("help") ? "" : e.getMessage() + "\n")
                    + "usage: FashionMnistTrainer [--data DIR] [--out DIR] [--epochs N] [--seed S]");
            System.exit(2);
            return;
        }
        double accuracy = train(options);
        System.out.printf(Locale.ROOT, "final test accuracy %.4f%n", accuracy);
    }

    static double train(Options o) throws IOException, ai.djl.MalformedModelException {
        long t0 = System.nanoTime();
        FashionMnist train = FashionMnist.load(o.data(), FashionMnist.Split.TRAIN);
        FashionMnist test = FashionMnist.load(o.data(), FashionMnist.Split.TEST);
        log("read %d training and %d test images from %s in %.1f s", train.size(), test.size(), o.data(), secs(t0));

        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) o.seed());
        int stepsPerEpoch = (train.size() + BATCH - 1) / BATCH;
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                .optOptimizer(Adam.builder()
                        .optLearningRateTracker(CosineTracker.builder()
                                .setBaseValue(LEARNING_RATE)
                                .optFinalValue(FINAL_LEARNING_RATE)
                                .setMaxUpdates(o.epochs() * stepsPerEpoch)
                                .build())
                        .build());

        double accuracy;
        long trainStart = System.nanoTime();
        try (Model model = Model.newInstance(FashionNet.MODEL_NAME, "PyTorch")) {
            model.setBlock(FashionNet.build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH).addAll(FashionNet.IMAGE_SHAPE));
                log("engine %s %s, %d threads; %s", engine.getEngineName(), engine.getVersion(),
                        Runtime.getRuntime().availableProcessors(), FashionNet.describe(model.getBlock()));
                Random shuffle = new Random(o.seed());
                int[] order = new int[train.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                    shuffle(order, shuffle);
                    long e0 = System.nanoTime();
                    trainEpoch(trainer, train, order, epoch, o.epochs());
                    double acc = evaluate(trainer, test);
                    log("epoch %d/%d done in %.0f s; test accuracy %.4f", epoch, o.epochs(), secs(e0), acc);
                }
                accuracy = evaluate(trainer, test);
            }
            long trainNanos = System.nanoTime() - trainStart;
            double cpuSeconds = processCpuSeconds();
            // not "Epoch": DJL numbers the saved file after that property
            model.setProperty("TrainedEpochs", String.valueOf(o.epochs()));
            model.setProperty("TestAccuracy", String.format(Locale.ROOT, "%.4f", accuracy));
            Files.createDirectories(o.out());
            model.save(o.out(), FashionNet.MODEL_NAME);
            Files.write(o.out().resolve("synset.txt"),
                    (String.join("\n", FashionMnist.LABELS) + "\n").getBytes(StandardCharsets.UTF_8));
            Files.writeString(o.out().resolve("README.md"), readme(o, accuracy, trainNanos / 1e9, cpuSeconds));
            log("saved %s in %.0f s total", o.out().resolve(FashionNet.MODEL_NAME + "-0000.params"), secs(t0));
        }
        return accuracy;
    }

    private static void trainEpoch(Trainer trainer, FashionMnist train, int[] order, int epoch, int epochs) {
        int pixels = (int) FashionNet.IMAGE_SHAPE.size();
        float[] x = new float[BATCH * pixels];
        float[] y = new float[BATCH];
        int steps = (order.length + BATCH - 1) / BATCH;
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        long t0 = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            int from = step * BATCH;
            int n = Math.min(BATCH, order.length - from);
            train.copyScaled(order, from, n, x);
            train.copyLabels(order, from, n, y);
            try (NDManager batch = trainer.getManager().newSubManager()) {
                NDArray images = batch.create(FloatBuffer.wrap(x, 0, n * pixels),
                        new Shape(n).addAll(FashionNet.IMAGE_SHAPE));
                NDArray labels = batch.create(FloatBuffer.wrap(y, 0, n), new Shape(n));
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(images)).singletonOrThrow();
                    NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
                    collector.backward(loss);
                    lossSum += loss.getFloat() * n;
                    correct += logits.argMax(1).toType(DataType.FLOAT32, false).eq(labels).sum().getLong();
                    seen += n;
                }
                trainer.step();
            }
            if ((step + 1) % LOG_EVERY == 0 || step + 1 == steps) {
                double s = secs(t0);
                log("epoch %d/%d step %d/%d: loss %.4f, train accuracy %.4f, %.0f images/s", epoch, epochs,
                        step + 1, steps, lossSum / seen, (double) correct / seen, seen / s);
            }
        }
    }

    /**
     * Accuracy of a trained network on a dataset, in inference mode (BatchNorm uses its running statistics,
     * Dropout is the identity).
     */
    static double evaluate(Trainer trainer, FashionMnist data) {
        int pixels = (int) FashionNet.IMAGE_SHAPE.size();
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        int batchSize = 500;
        float[] x = new float[batchSize * pixels];
        float[] y = new float[batchSize];
        long correct = 0;
        for (int from = 0; from < all.length; from += batchSize) {
            int n = Math.min(batchSize, all.length - from);
            data.copyScaled(all, from, n, x);
            data.copyLabels(all, from, n, y);
            try (NDManager batch = trainer.getManager().newSubManager()) {
                NDArray images = batch.create(FloatBuffer.wrap(x, 0, n * pixels),
                        new Shape(n).addAll(FashionNet.IMAGE_SHAPE));
                NDArray labels = batch.create(FloatBuffer.wrap(y, 0, n), new Shape(n));
                NDArray logits = trainer.evaluate(new NDList(images)).singletonOrThrow();
                correct += logits.argMax(1).toType(DataType.FLOAT32, false).eq(labels).sum().getLong();
            }
        }
        return (double) correct / data.size();
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static String readme(Options o, double accuracy, double seconds, double cpuSeconds) {
        String cpu = cpuSeconds < 0 ? "" : String.format(Locale.ROOT, "; %.1f min of CPU time", cpuSeconds / 60);
        return String.format(Locale.ROOT, README, accuracy * 100, o.epochs(), o.seed(), seconds / 60,
                Runtime.getRuntime().availableProcessors(), cpu, o.epochs(), o.seed());
    }

    /** CPU time used by this process so far, or -1 where the JVM does not tell. */
    private static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os && os.getProcessCpuTime() >= 0) {
            return os.getProcessCpuTime() / 1e9;
        }
        return -1;
    }

    private static final String README = """
            # Fashion-MNIST fixture

            A small CNN trained on Fashion-MNIST by `io.github.explain4j.samples.fashion.FashionMnistTrainer`.
            The parameters are in DJL's engine-neutral format and load on the PyTorch and the MXNet engine.

            - `fashion-mnist-0000.params`: the parameters (DJL format, float32: 87,274 trainable values and 320 BatchNorm running statistics)
            - `synset.txt`: the ten labels, one per line, in the order of the network's outputs

            Test accuracy on the 10,000 test images: **%.2f %%** (%d epochs, seed %d; trained in %.1f min on %d CPU
            cores%s).

            ## Load it

            ```java
            try (Model model = Model.newInstance("fashion-mnist", "PyTorch")) { // or "MXNet"
                model.setBlock(FashionNet.build());
                model.load(Paths.get("models/fashion-mnist"), "fashion-mnist");
                // input: float32 N×1×28×28, pixel / 255 in [0, 1]; output: N×10 logits
            }
            ```

            ## Architecture

            `FashionNet.build()` in `samples`: one flat `SequentialBlock`; a layer is addressed by its path or its index:

            | # | path | layer | output |
            |---|---|---|---|
            | 0 | `01LambdaBlock` | normalise `(x − 0.2860) / 0.3530` | 1×28×28 |
            | 1 | `02Conv2d` | conv 3×3, 1 → 32, padding 1, no bias | 32×28×28 |
            | 2 | `03BatchNorm` | BatchNorm | |
            | 3 | `04LambdaBlock` | ReLU | |
            | 4 | `05LambdaBlock` | max-pool 2×2, stride 2 | 32×14×14 |
            | 5 | `06Conv2d` | conv 3×3, 32 → 64, padding 1, no bias | 64×14×14 |
            | 6 | `07BatchNorm` | BatchNorm | |
            | 7 | `08LambdaBlock` | ReLU | |
            | 8 | `09LambdaBlock` | max-pool 2×2, stride 2 | 64×7×7 |
            | 9 | `10Conv2d` | conv 3×3, 64 → 64, padding 1, no bias | 64×7×7 |
            | 10 | `11BatchNorm` | BatchNorm | |
            | 11 | `12LambdaBlock` | ReLU: the last convolutional feature map (Grad-CAM's layer) | 64×7×7 |
            | 12 | `13Dropout` | Dropout 0.3 (identity in inference) | |
            | 13 | `14LambdaBlock` | flatten | 3136 |
            | 14 | `15Linear` | fully connected 3136 → 10, with bias | 10 logits |

            BatchNorm: DJL defaults (ε 1e-5, momentum 0.9). The input is the 28×28 grey image as float32
            `N×1×28×28` with pixel / 255 in [0, 1] (0 is the background); the normalisation by the training
            set's mean 0.2860 and standard deviation 0.3530 is the network's first layer.

            Labels (index: name): 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
            7 Sneaker, 8 Bag, 9 Ankle boot.

            ## Training

            PyTorch engine on the CPU; Adam, learning rate 2e-3 with a cosine decay to 1e-5 over all steps,
            batch 128, softmax cross-entropy, Xavier initialisation, training set shuffled each epoch with the seed,
            no augmentation. Re-train (overwrites this folder) from the repository root:

            ```
            apt-get install dataset-fashion-mnist
            mvn -o -q -pl samples -am compile exec:java \\
                -Dexec.mainClass=io.github.explain4j.samples.fashion.FashionMnistTrainer \\
                -Dexec.args="--epochs %d --seed %d"
            ```

            The seed fixes the initialisation and the order of the examples, but multi-threaded CPU kernels
            make runs differ in the last bits, so a re-run ends at a slightly different accuracy.

            ## Data and licence

            Fashion-MNIST, Copyright 2017 Zalando SE, MIT licence
            (https://github.com/zalandoresearch/fashion-mnist), read from the Debian package
            `dataset-fashion-mnist` (`/usr/share/datasets/fashion-mnist/`, the four `*-idx*-ubyte.gz` files).
            """;

    private static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    private static double secs(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
