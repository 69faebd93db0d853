package io.github.explain4j.bench;

import ai.djl.Model;
import ai.djl.mxnet.engine.MxOpParams;
import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.seam.ModelSeam;
import io.github.explain4j.djl.torchscript.TorchScriptModels;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How much explain4j's block-tree seam adds to the engine's own forward and backward passes of {@link ResNet18}
 * (issue 9, "must not regress"): ways of computing the same input gradient (or output), measured interleaved in
 * one JVM — round {@code r} runs the variants in order when {@code r} is even and in reverse when it is odd, so
 * that slow changes of the background load hit all alike — reporting per variant the median wall and CPU time
 * and, against the first variant named, the ratio of the medians and the median and range of the per-round
 * ratios.
 *
 * <pre>
 * /usr/bin/python3 tools/make-resnet18-torchscript.py          # writes explain-bench/target/resnet18.pt (47 MB)
 * mvn -o -q -pl explain-bench -am -DskipTests install
 * java -Xmx3g -Dai.djl.offline=true -cp "explain-bench/target/classes:$(cat explain-bench/target/classpath.txt)" \
 *     io.github.explain4j.bench.SeamOverhead PyTorch 1 21 seam plain walk walkFused ts tsPlain
 * </pre>
 * Arguments: engine, batch size, rounds, variants (the first is the reference of the ratios):
 * <ul>
 *   <li>{@code seam}: {@code model.seam().gradients(scope, x, null, score)} (the seam floor of the JMH suite);</li>
 *   <li>{@code plain}: DJL directly — {@code GradientCollector}, leaf input, {@code block.forward(store, x,
 *       false)}, backward, parameters frozen (PyTorch only: MXNet refuses an inference BatchNorm in a
 *       collector);</li>
 *   <li>{@code plainTrain}: the same with {@code training=true}, so BatchNorm normalises with the batch's
 *       statistics (and updates the running ones): a different function at the same cost class, the only plain
 *       DJL pass that runs on MXNet;</li>
 *   <li>{@code walk}: a bare walk of the same block tree (no guard, scopes, detached views, pins or per-pass
 *       objects), BatchNorm as the affine map with scale and shift computed once — the seam's arithmetic
 *       without the seam's bookkeeping;</li>
 *   <li>{@code walkFused}: the bare walk with each BatchNorm as one engine operator in inference mode (PyTorch:
 *       DJL's BatchNorm block with {@code training=false}; MXNet: {@code _npx_batch_norm} with
 *       {@code use_global_stats=True}, which keeps the running statistics while autograd records);</li>
 *   <li>{@code cached} (MXNet): the network as one MXNet symbol run through a {@code CachedOp}
 *       ({@link ResNet18Symbol}, DJL's {@code MxSymbolBlock}; what Gluon's {@code hybridize()} gives);</li>
 *   <li>{@code ts} (PyTorch): a TorchScript ResNet-18 of the same shapes ({@code tools/make-resnet18-torchscript.py},
 *       random weights) loaded with {@code TorchScriptModels.load} and run through explain4j's
 *       {@code TorchScriptSeam}; {@code tsPlain}: the same module with DJL directly ({@code IValueUtils.forward(block,
 *       x, true)} in a {@code GradientCollector}, parameters frozen);</li>
 *   <li>forward only, output read back: {@code seamFwd} ({@code seam.forward}), {@code plainFwd}
 *       ({@code block.forward(store, x, false)} outside a collector, both engines), {@code walkFwd},
 *       {@code walkFusedFwd}, {@code cachedFwd}, {@code tsFwd}, {@code tsPlainFwd}.</li>
 * </ul>
 * Every gradient variant scores the output like the library (output × one-hot of the top class) and reads the input
 * gradient back to the heap. Before timing, each variant's input gradient (output for forward variants) is compared
 * with the seam's (the TorchScript ones are not: other weights; {@code plainTrain} differs: another function). The
 * TorchScript file is {@code explain-bench/target/resnet18.pt} or {@code -Dresnet18.pt=path}; without it the
 * TorchScript variants are skipped with a message.
 */
public final class SeamOverhead {

    private static final Field PARALLEL_JOIN;

    static {
        try {
            PARALLEL_JOIN = ParallelBlock.class.getDeclaredField("function");
            PARALLEL_JOIN.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private SeamOverhead() {}

    /** See the class comment. */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: SeamOverhead <engine> <batchSize> <rounds> <variant>...");
            System.exit(2);
        }
        String engine = args[0];
        int batch = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        List<String> names = new ArrayList<>(Arrays.asList(args).subList(3, args.length));
        Path ptFile = Path.of(System.getProperty("resnet18.pt", "explain-bench/target/resnet18.pt"));
        if (names.stream().anyMatch(n -> n.startsWith("ts")) && !Files.isRegularFile(ptFile)) {
            System.out.println("SKIPPED the TorchScript variants: " + ptFile.toAbsolutePath() + " is missing; run"
                    + " /usr/bin/python3 tools/make-resnet18-torchscript.py first (or pass -Dresnet18.pt=path)");
            names.removeIf(n -> n.startsWith("ts"));
        }
        System.out.printf(Locale.ROOT, "%s batch %d, %d rounds, load average at start %s%n", engine, batch, rounds,
                Measures.loadAverage());
        try (Fixture f = Fixture.createFrozen(engine);
                Model ts = names.stream().anyMatch(n -> n.startsWith("ts")) ? TorchScriptModels.load(ptFile) : null) {
            NDArray x = batch == 1 ? f.input : f.noisyBatch(batch);
            if (names.remove("parts")) {
                parts(f, x);
            }
            Map<String, Supplier<float[]>> variants = new LinkedHashMap<>();
            for (String n : names) {
                variants.put(n, variant(n, f, x, ts));
            }
            check(variants, f, x);
            for (Supplier<float[]> v : variants.values()) {
                v.get();
                v.get();
            }
            run(engine, batch, rounds, variants);
        }
        System.out.printf(Locale.ROOT, "load average at end %s%n", Measures.loadAverage());
    }

    private static void run(String engine, int batch, int rounds, Map<String, Supplier<float[]>> variants) {
        List<String> names = new ArrayList<>(variants.keySet());
        int k = names.size();
        // [variant][measure][round]: wall time, the process's CPU time, the calling thread's CPU time
        long[][][] t = new long[k][3][rounds];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < k; j++) {
                int i = r % 2 == 0 ? j : k - 1 - j;
                Supplier<float[]> v = variants.get(names.get(i));
                long c = Measures.cpuTime();
                long tc = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                v.get();
                t[i][0][r] = System.nanoTime() - start;
                t[i][1][r] = Measures.cpuTime() - c;
                t[i][2][r] = threads.getCurrentThreadCpuTime() - tc;
            }
        }
        System.out.printf(Locale.ROOT, "%s batch %d, %d rounds; ratios against %s (r.m. ratio of medians, med.r."
                + " median of the per-round ratios and its range; thread = CPU time of the calling thread, which"
                + " does all the work when the engine runs one thread)%n", engine, batch, rounds, names.get(0));
        System.out.printf(Locale.ROOT, "  %-13s %9s %9s %9s | %6s %6s %6s | %6s %13s | %6s %13s%n", "variant",
                "wall ms", "cpu ms", "thread ms", "wall", "cpu", "thread", "wall", "wall range", "thread",
                "thread range");
        for (int i = 0; i < k; i++) {
            double[] wr = perRound(t[i][0], t[0][0]);
            double[] tr = perRound(t[i][2], t[0][2]);
            System.out.printf(Locale.ROOT, "  %-13s %9.1f %9.1f %9.1f | %6.3f %6.3f %6.3f | %6.3f %6.3f–%.3f"
                    + " | %6.3f %6.3f–%.3f%n", names.get(i), Measures.median(t[i][0]) / 1e6, Measures.median(t[i][1]) / 1e6,
                    Measures.median(t[i][2]) / 1e6, Measures.median(t[i][0]) / Measures.median(t[0][0]), Measures.median(t[i][1]) / Measures.median(t[0][1]),
                    Measures.median(t[i][2]) / Measures.median(t[0][2]), Measures.median(wr), min(wr), max(wr), Measures.median(tr), min(tr), max(tr));
        }
    }

    /**
     * Times, each alone (median of 50 calls, calling thread's CPU time and wall time), the work the seam does per
     * gradient pass beyond the network's operators: a detached view of every parameter in a pass scope, the
     * BatchNorm scale and shift of every BatchNorm, the pinned scope, the input copy.
     */
    private static void parts(Fixture f, NDArray x) {
        List<Parameter> params = new ArrayList<>(f.block.getParameters().values());
        List<BatchNorm> norms = new ArrayList<>();
        collect(f.block, norms);
        Map<String, Runnable> parts = new LinkedHashMap<>();
        parts.put("empty sub-manager, opened and closed", () -> f.manager.newSubManager().close());
        parts.put("pinned sub-manager (OperandPins), opened and closed", () ->
                io.github.explain4j.djl.internal.OperandPins.pinnedScope(f.manager).close());
        parts.put(params.size() + " detached parameter views in a scope, then closed", () -> {
            try (NDManager scope = f.manager.newSubManager()) {
                io.github.explain4j.djl.internal.DetachedParameterStore store =
                        new io.github.explain4j.djl.internal.DetachedParameterStore(scope, Parameter::getArray);
                for (Parameter p : params) {
                    store.getValue(p, f.manager.getDevice(), false);
                }
            }
        });
        parts.put(norms.size() + " BatchNorm scale and shift (the seam's 5 ops and 2 reshapes each)", () -> {
            try (NDManager scope = f.manager.newSubManager()) {
                for (BatchNorm bn : norms) {
                    Map<String, NDArray> p = new LinkedHashMap<>();
                    for (Pair<String, Parameter> e : bn.getDirectParameters()) {
                        NDArray v = e.getValue().getArray().stopGradient();
                        v.attach(scope);
                        p.put(e.getKey(), v);
                    }
                    NDArray scale = p.get("gamma").div(p.get("runningVar").add(1e-5f).sqrt());
                    NDArray shift = p.get("beta").sub(p.get("runningMean").mul(scale));
                    Shape s = new Shape(1, scale.size(), 1, 1);
                    scale.reshape(s);
                    shift.reshape(s);
                }
            }
        });
        parts.put("input copy (duplicate) of " + x.getShape(), () -> {
            try (NDManager scope = f.manager.newSubManager()) {
                scope.tempAttachAll(x);
                x.duplicate().toFloatArray();
            }
        });
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Map.Entry<String, Runnable> e : parts.entrySet()) {
            for (int i = 0; i < 10; i++) {
                e.getValue().run();
            }
            long[] wall = new long[50];
            long[] cpu = new long[50];
            for (int i = 0; i < 50; i++) {
                long c = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                e.getValue().run();
                wall[i] = System.nanoTime() - start;
                cpu[i] = threads.getCurrentThreadCpuTime() - c;
            }
            System.out.printf(Locale.ROOT, "  part %-70s wall %7.3f ms, thread CPU %7.3f ms (medians of 50)%n",
                    e.getKey(), Measures.median(wall) / 1e6, Measures.median(cpu) / 1e6);
        }
    }

    private static void collect(Block b, List<BatchNorm> norms) {
        if (b instanceof BatchNorm bn) {
            norms.add(bn);
        }
        for (Pair<String, Block> c : b.getChildren()) {
            collect(c.getValue(), norms);
        }
    }

    private static double[] perRound(long[] a, long[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = b[i] == 0 ? Double.NaN : (double) a[i] / b[i];
        }
        return r;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** Compares each variant's result with the seam's (input gradient, or output for forward variants). */
    private static void check(Map<String, Supplier<float[]>> variants, Fixture f, NDArray x) {
        float[] grad = f.seamForwardBackward(x);
        float[] out = forwardOutput(f, x);
        float[] stats = runningStatistics(f.block);
        for (Map.Entry<String, Supplier<float[]>> v : variants.entrySet()) {
            String n = v.getKey();
            if (n.startsWith("ts")) {
                continue;
            }
            if (n.equals("plainTrain")) {
                // it updates the running statistics: check the others first
                continue;
            }
            float[] ref = n.endsWith("Fwd") ? out : grad;
            float[] got = v.getValue().get();
            double max = 0;
            double diff = 0;
            for (int i = 0; i < ref.length; i++) {
                max = Math.max(max, Math.abs(ref[i]));
                diff = Math.max(diff, Math.abs(ref[i] - got[i]));
            }
            System.out.printf(Locale.ROOT, "  check %-13s max |difference| / max |seam's| = %.2e%n", n, diff / max);
        }
        System.out.println("  check running statistics unchanged by the variants: "
                + Arrays.equals(stats, runningStatistics(f.block)));
        if (variants.containsKey("plainTrain")) {
            float[] got = variants.get("plainTrain").get();
            double max = 0;
            double diff = 0;
            for (int i = 0; i < grad.length; i++) {
                max = Math.max(max, Math.abs(grad[i]));
                diff = Math.max(diff, Math.abs(grad[i] - got[i]));
            }
            System.out.printf(Locale.ROOT, "  check %-13s max |difference| / max |seam's| = %.2e (batch statistics:"
                    + " another function; it also updates the running statistics)%n", "plainTrain", diff / max);
        }
    }

    private static float[] runningStatistics(Block block) {
        List<float[]> all = new ArrayList<>();
        int n = 0;
        for (Parameter p : block.getParameters().values()) {
            if (p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR) {
                float[] v = p.getArray().toFloatArray();
                all.add(v);
                n += v.length;
            }
        }
        float[] flat = new float[n];
        int at = 0;
        for (float[] v : all) {
            System.arraycopy(v, 0, flat, at, v.length);
            at += v.length;
        }
        return flat;
    }

    private static float[] forwardOutput(Fixture f, NDArray x) {
        try (NDManager scope = f.manager.newSubManager()) {
            scope.tempAttachAll(x);
            return f.model.seam().forward(scope, x).toFloatArray();
        }
    }

    private static Supplier<float[]> variant(String name, Fixture f, NDArray x, Model ts) {
        ParameterStore store = new ParameterStore(f.manager, false);
        switch (name) {
            case "seam":
                return () -> f.seamForwardBackward(x);
            case "plain":
                return () -> f.plainForwardBackward(x);
            case "plainTrain":
                return gradient(f, x, in -> f.block.forward(store, new NDList(in), true).head());
            case "walk":
                return gradient(f, x, new Walker(f, store, false)::forward);
            case "walkFused":
                return gradient(f, x, new Walker(f, store, true)::forward);
            case "cached": {
                MxSymbolBlock sb = ResNet18Symbol.of(f.block, f.manager);
                ParameterStore cs = new ParameterStore(f.manager, false);
                return gradient(f, x, in -> sb.forward(cs, new NDList(in), true).head());
            }
            case "ts": {
                ModelSeam seam = tsModel(ts).seam();
                return () -> {
                    try (NDManager scope = seam.manager().newSubManager()) {
                        scope.tempAttachAll(x);
                        NDArray oneHot = f.oneHot(scope, (int) x.getShape().get(0));
                        return seam.gradients(scope, x, null, o -> o.mul(oneHot).sum(new int[] {1}))
                                .inputGradient().toFloatArray();
                    }
                };
            }
            case "tsPlain": {
                PtSymbolBlock block = tsBlock(ts);
                return gradient(f, x, in -> IValueUtils.forward(block, new NDList(in), true).head());
            }
            case "seamFwd":
                return () -> forwardOutput(f, x);
            case "plainFwd":
                return forward(f, x, in -> f.block.forward(store, new NDList(in), false).head());
            case "walkFwd":
                return forward(f, x, new Walker(f, store, false)::forward);
            case "walkFusedFwd":
                return forward(f, x, new Walker(f, store, true)::forward);
            case "cachedFwd": {
                MxSymbolBlock sb = ResNet18Symbol.of(f.block, f.manager);
                ParameterStore cs = new ParameterStore(f.manager, false);
                return forward(f, x, in -> sb.forward(cs, new NDList(in), false).head());
            }
            case "tsFwd": {
                ModelSeam seam = tsModel(ts).seam();
                return () -> {
                    try (NDManager scope = seam.manager().newSubManager()) {
                        scope.tempAttachAll(x);
                        return seam.forward(scope, x).toFloatArray();
                    }
                };
            }
            case "tsPlainFwd": {
                PtSymbolBlock block = tsBlock(ts);
                return forward(f, x, in -> block.forward(new ParameterStore(f.manager, false), new NDList(in), false)
                        .head());
            }
            default:
                throw new IllegalArgumentException("unknown variant '" + name + "'; see the class comment");
        }
    }

    private static ExplainableModel tsModel(Model ts) {
        tsBlock(ts);
        return ExplainableModel.of(ts, io.github.explain4j.api.InputSpec.rgb(224, 224)
                .normalized(Fixture.MEAN, Fixture.STD));
    }

    /** The TorchScript block with its parameters frozen (a plain-DJL user would; the seam works either way). */
    private static PtSymbolBlock tsBlock(Model ts) {
        PtSymbolBlock block = (PtSymbolBlock) ts.getBlock();
        block.freezeParameters(true);
        return block;
    }

    /** One forward and backward pass of {@code net} to the input gradient, plain DJL style. */
    private static Supplier<float[]> gradient(Fixture f, NDArray x, Function<NDArray, NDArray> net) {
        return () -> {
            try (NDManager scope = f.manager.newSubManager()) {
                scope.tempAttachAll(x);
                NDArray oneHot = f.oneHot(scope, (int) x.getShape().get(0));
                NDArray in = x.duplicate();
                in.setRequiresGradient(true);
                try (GradientCollector collector = f.manager.getEngine().newGradientCollector()) {
                    NDArray out = net.apply(in);
                    collector.backward(out.mul(oneHot).sum());
                }
                return in.getGradient().toFloatArray();
            }
        };
    }

    /** One forward pass of {@code net} outside any collector, output read back. */
    private static Supplier<float[]> forward(Fixture f, NDArray x, Function<NDArray, NDArray> net) {
        return () -> {
            try (NDManager scope = f.manager.newSubManager()) {
                scope.tempAttachAll(x);
                NDArray out = net.apply(x);
                out.attach(scope);
                return out.toFloatArray();
            }
        };
    }

    /**
     * A bare walk of a block tree: sequential and parallel blocks descended into, BatchNorm as a precomputed affine
     * map ({@code fused=false}) or one engine operator in inference mode, any other block's own {@code forward}.
     */
    static final class Walker {
        private final Block root;
        private final ParameterStore store;
        private final boolean fused;
        private final boolean mxnet;
        private final Map<BatchNorm, NDArray[]> affine = new IdentityHashMap<>();

        Walker(Fixture f, ParameterStore store, boolean fused) {
            this.root = f.block;
            this.store = store;
            this.fused = fused;
            this.mxnet = "MXNet".equals(f.engine);
            precompute(root);
        }

        private void precompute(Block b) {
            if (b instanceof BatchNorm bn) {
                Map<String, NDArray> p = params(bn);
                NDArray scale = p.get("gamma").div(p.get("runningVar").add(1e-5f).sqrt());
                NDArray shift = p.get("beta").sub(p.get("runningMean").mul(scale));
                Shape s = new Shape(1, scale.size(), 1, 1);
                affine.put(bn, new NDArray[] {scale.reshape(s), shift.reshape(s)});
            }
            for (Pair<String, Block> c : b.getChildren()) {
                precompute(c.getValue());
            }
        }

        private static Map<String, NDArray> params(BatchNorm bn) {
            Map<String, NDArray> p = new LinkedHashMap<>();
            for (Pair<String, Parameter> e : bn.getDirectParameters()) {
                p.put(e.getKey(), e.getValue().getArray());
            }
            return p;
        }

        NDArray forward(NDArray x) {
            return run(root, new NDList(x)).head();
        }

        @SuppressWarnings("unchecked")
        private NDList run(Block b, NDList x) {
            if (b instanceof SequentialBlock) {
                NDList y = x;
                for (Pair<String, Block> c : b.getChildren()) {
                    y = run(c.getValue(), y);
                }
                return y;
            }
            if (b instanceof ParallelBlock) {
                List<NDList> branches = new ArrayList<>();
                for (Pair<String, Block> c : b.getChildren()) {
                    branches.add(run(c.getValue(), x));
                }
                try {
                    return ((Function<List<NDList>, NDList>) PARALLEL_JOIN.get(b)).apply(branches);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (b instanceof BatchNorm bn) {
                if (!fused) {
                    NDArray[] a = affine.get(bn);
                    return new NDList(x.head().mul(a[0]).add(a[1]));
                }
                if (mxnet) {
                    Map<String, NDArray> p = params(bn);
                    MxOpParams op = new MxOpParams();
                    op.addParam("axis", 1);
                    op.addParam("fix_gamma", false);
                    op.addParam("use_global_stats", true);
                    op.addParam("eps", 1e-5f);
                    op.addParam("momentum", 0.9f);
                    NDArray in = x.head();
                    return new NDList(in.getManager().invoke("_npx_batch_norm", new NDList(in, p.get("gamma"),
                            p.get("beta"), p.get("runningMean"), p.get("runningVar")), op).head());
                }
            }
            return b.forward(store, x, false);
        }
    }
}
