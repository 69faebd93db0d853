package io.github.explain4j.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.adversarial.AdversarialExamples;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.adversarial.Pgd;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.djl.tfjs.TfjsModels;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One PGD step (issue 11) next to its floor: {@code Pgd.linf(8/255)} run for {@link #STEPS} steps per invocation on
 * a batch of pixel images and reported per step ({@code @OperationsPerInvocation}; the random start, the final
 * forward pass that classifies the result and the read-back of the images are spread over the steps), against one
 * seam forward+backward pass of the same batch to its input gradient, read back to the heap. Target:
 * {@code step / floor ≤ 1.10}.
 *
 * <ul>
 *   <li>{@code net=shapes}: {@link ShapesNet}, 3×64×64, three classes;</li>
 *   <li>{@code net=mobilenet}: the imported TF.js MobileNetV2 ({@link TfjsModels#mobileNetV2}), 3×224×224, five
 *       classes (its softmax output; the attack's log-softmax of it costs the same as of logits).</li>
 * </ul>
 *
 * <p>On a shared machine run the engines single-threaded (the forks inherit the environment):
 * <pre>
 * OMP_NUM_THREADS=1 MXNET_ENGINE_TYPE=NaiveEngine mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="AttackStep"
 * mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="-p net=shapes -p engine=PyTorch AttackStep"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 4)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
public class AttackStepBenchmark {

    /** PGD steps per invocation. */
    public static final int STEPS = 10;

    /** The DJL engine. */
    @Param({"PyTorch", "MXNet"})
    public String engine;

    /** The network: {@code shapes} or {@code mobilenet}. */
    @Param({"shapes", "mobilenet"})
    public String net;

    /** Images attacked at once, and the floor's batch. */
    @Param({"4"})
    public int batch;

    private Model loaded;
    private ExplainableModel model;
    private NDManager manager;
    private List<float[]> images;
    private int[] labels;
    private NDArray input;
    private Pgd pgd;
    private Pgd pgdOne;

    /** Loads the network and draws the images. */
    @Setup
    public void setUp() throws Exception {
        if (net.equals("shapes")) {
            loaded = ShapesNet.load(engine);
            model = ShapesNet.explainable(loaded);
        } else if (net.equals("mobilenet")) {
            loaded = TfjsModels.mobileNetV2(MobileNetFixture.modelsRoot(), engine);
            model = ExplainableModel.of(loaded, InputSpec.rgb(224, 224)).withName("MobileNetV2");
        } else {
            throw new IllegalArgumentException("net was '" + net + "'; expected shapes or mobilenet");
        }
        InputSpec spec = model.spec();
        int per = spec.channels() * spec.height() * spec.width();
        SplittableRandom random = new SplittableRandom(Fixture.SEED);
        images = new ArrayList<>();
        float[] all = new float[batch * per];
        for (int i = 0; i < batch; i++) {
            float[] x = new float[per];
            for (int j = 0; j < per; j++) {
                x[j] = (float) random.nextDouble();
            }
            images.add(x);
            System.arraycopy(x, 0, all, i * per, per);
        }
        labels = new int[batch];
        manager = model.seam().manager().newSubManager();
        input = manager.create(all, new Shape(batch, spec.channels(), spec.height(), spec.width()));
        pgd = Pgd.linf(8 / 255.0).steps(STEPS).seed(1).batchSize(batch);
        pgdOne = pgd.steps(1);
    }

    /** Releases the model and the input. */
    @TearDown
    public void tearDown() {
        manager.close();
        loaded.close();
    }

    /** One PGD step. */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public AdversarialExamples pgdStep() {
        return pgd.attack(model, images, labels);
    }

    /** A one-step PGD attack: the fixed cost of an attack plus one step ({@link AttackStepRun} uses it). */
    public AdversarialExamples pgdOneStep() {
        return pgdOne.attack(model, images, labels);
    }

    /** The floor: one seam forward+backward pass of the batch to its input gradient, read back. */
    @Benchmark
    public float[] floor() {
        return model.call(scope -> {
            scope.tempAttachAll(input);
            return model.seam().trace(scope, TraceRequest.of(input).objective(t -> t.output().logSoftmax(1)
                    .get(":, 0")).inputGradient()).inputGradient().toFloatArray();
        });
    }
}
