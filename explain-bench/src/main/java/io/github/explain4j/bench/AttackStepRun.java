package io.github.explain4j.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * The PGD step against its floor, interleaved in one JVM (companion of {@link AttackStepBenchmark}, whose forks
 * run minutes apart on a shared machine): per round, one attack of {@link AttackStepBenchmark#STEPS} steps and as
 * many floor passes, in that order on even rounds and reversed on odd ones; wall time, process CPU time and the
 * calling thread's CPU time (all the work when the engines run single-threaded on it, and the measure least
 * disturbed by other processes); ratio of medians and median of the per-round ratios. A one-step attack is timed
 * too, so that the marginal cost of a step (without the attack's fixed costs: random start, the final forward
 * pass that classifies the result, read-back) is reported against the floor as well.
 *
 * <pre>
 * mvn -o -q -pl explain-bench -am -DskipTests install
 * CP="explain-bench/target/classes:$(cat explain-bench/target/classpath.txt)"
 * OMP_NUM_THREADS=1 MXNET_ENGINE_TYPE=NaiveEngine java -Xmx3g -Dai.djl.offline=true -cp "$CP" \
 *     io.github.explain4j.bench.AttackStepRun PyTorch 7 shapes mobilenet
 * </pre>
 * Arguments: engine, rounds, then the networks ({@code shapes}, {@code mobilenet}); {@code -Dbatch=4} sets the
 * batch.
 */
public final class AttackStepRun {

    private AttackStepRun() {}

    /** See the class comment. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: AttackStepRun <engine> <rounds> <net>...");
            System.exit(2);
        }
        String engine = args[0];
        int rounds = Integer.parseInt(args[1]);
        int steps = AttackStepBenchmark.STEPS;
        for (int i = 2; i < args.length; i++) {
            AttackStepBenchmark b = new AttackStepBenchmark();
            b.engine = engine;
            b.net = args[i];
            b.batch = Integer.getInteger("batch", 4);
            b.setUp();
            try {
                System.out.println("# " + engine + " " + b.net + " batch " + b.batch + ", load "
                        + Measures.loadAverage());
                Runnable step = b::pgdStep;
                Runnable one = b::pgdOneStep;
                Runnable floor = () -> {
                    for (int s = 0; s < steps; s++) {
                        b.floor();
                    }
                };
                step.run(); // warm-up
                floor.run();
                one.run();
                long[][] a = new long[3][rounds];
                long[][] f = new long[3][rounds];
                long[][] o = new long[3][rounds];
                for (int r = 0; r < rounds; r++) {
                    if (r % 2 == 0) {
                        time(step, a, r);
                        time(floor, f, r);
                        time(one, o, r);
                    } else {
                        time(one, o, r);
                        time(floor, f, r);
                        time(step, a, r);
                    }
                }
                for (int k = 0; k < 3; k++) {
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = (double) a[k][r] / f[k][r];
                    }
                    System.out.printf(Locale.ROOT, "%s %s %s PGD step / floor (batch %d, %d steps, %d rounds): per step"
                            + " median %.1f / %.1f ms; ratio of medians %.3f, median ratio %.3f (range %.3f-%.3f),"
                            + " fastest ratio %.3f%n",
                            engine, b.net, new String[] {"wall  ", "cpu   ", "thread"}[k], b.batch, steps, rounds,
                            Measures.median(a[k]) / 1e6 / steps, Measures.median(f[k]) / 1e6 / steps,
                            Measures.median(a[k]) / Measures.median(f[k]), Measures.median(ratio),
                            Arrays.stream(ratio).min().orElseThrow(), Arrays.stream(ratio).max().orElseThrow(),
                            (double) Measures.min(a[k]) / Measures.min(f[k]));
                    // the marginal step: (attack of STEPS steps − attack of one step) / (STEPS − 1)
                    double marginal = (Measures.median(a[k]) - Measures.median(o[k])) / (steps - 1);
                    double fastestMarginal = (double) (Measures.min(a[k]) - Measures.min(o[k])) / (steps - 1);
                    System.out.printf(Locale.ROOT, "%s %s %s marginal PGD step %.1f ms / floor %.1f ms = %.3f (fastest"
                            + " %.3f); fixed cost of an attack (one-step attack − one step) %.1f ms%n", engine, b.net,
                            new String[] {"wall  ", "cpu   ", "thread"}[k], marginal / 1e6,
                            Measures.median(f[k]) / 1e6 / steps, marginal / (Measures.median(f[k]) / steps),
                            fastestMarginal / (Measures.min(f[k]) / (double) steps),
                            (Measures.median(o[k]) - marginal) / 1e6);
                }
                System.out.println("# load after " + Measures.loadAverage());
            } finally {
                b.tearDown();
            }
        }
    }

    private static void time(Runnable task, long[][] out, int round) {
        long cpu = Measures.cpuTime();
        long thread = Measures.threadTime();
        long start = System.nanoTime();
        task.run();
        out[0][round] = System.nanoTime() - start;
        out[1][round] = Measures.cpuTime() - cpu;
        out[2][round] = Measures.threadTime() - thread;
    }
}
