package io.github.explain4j.djl.backprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.blocks.NamedBlocks;
import io.github.explain4j.djl.blocks.NamedParallelBlock;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guided backpropagation and deconvnet against their rules written out by hand: the networks' forward and
 * backward passes in plain Java loops on the heap (3×3 convolutions, BatchNorm, ReLU, max-pooling, a residual
 * sum, global average pooling, a linear layer), the ReLU rule applied at every ReLU. The same hand-written code
 * with the plain ReLU derivative must reproduce the engine's own gradient ({@link Saliency}), which checks the
 * reference itself; and the rules must differ from it, which shows the comparison can fail.
 */
class BackpropReferenceTest {

    private static final int CLASS = 1;

    private enum Rule { PLAIN, GUIDED, DECONVNET }

    /** conv3×3(3)-ReLU-conv3×3(4)-ReLU-global-avg-pool-Linear(3) on 3×5×5 inputs. */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void plainNetworkMatchesTheHandWrittenRules(String engine) {
        Shape input = new Shape(2, 3, 5, 5);
        try (NDManager m = TestNets.manager(engine)) {
            Conv2d c1 = conv(3);
            Conv2d c2 = conv(4);
            Linear fc = Linear.builder().setUnits(3).build();
            SequentialBlock net = new SequentialBlock().add(c1).add(Activation.reluBlock()).add(c2)
                    .add(Activation.reluBlock()).add(Pool.globalAvgPool2dBlock()).add(fc);
            TestNets.init(net, m, DataType.FLOAT64, input, 51);
            NDArray x = TestNets.randomInput(m, input, DataType.FLOAT64, 52);
            double[] xs = x.toDoubleArray();
            Heap h = new Heap();
            int plane = 25;
            compare(engine, "plain net", m, net, x, (n, rule) -> {
                double[] x0 = java.util.Arrays.copyOfRange(xs, n * 3 * plane, (n + 1) * 3 * plane);
                double[] z1 = h.conv(x0, 3, 5, 5, w(c1), b(c1), 3);
                double[] a1 = Heap.relu(z1);
                double[] z2 = h.conv(a1, 3, 5, 5, w(c2), b(c2), 4);
                double[] a2 = Heap.relu(z2);
                double[] g = Heap.linearBack(Heap.oneHot(3, CLASS), w(fc), 4);
                g = Heap.gapBack(g, 4, plane);
                g = Heap.reluRule(z2, g, rule);
                g = h.convBack(g, 3, 5, 5, w(c2), 4);
                g = Heap.reluRule(z1, g, rule);
                return h.convBack(g, 3, 5, 5, w(c1), 3);
            });
        }
    }

    /**
     * conv3×3(3)-BN-ReLU-maxpool2 | sum(conv-ReLU-conv, identity) | ReLU | global-avg-pool | Linear(3) on 3×6×6
     * inputs: the rule applies at the ReLU inside the residual branch and at the one after the sum.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void residualNetworkMatchesTheHandWrittenRules(String engine) {
        Shape input = new Shape(2, 3, 6, 6);
        try (NDManager m = TestNets.manager(engine)) {
            Conv2d c1 = conv(3);
            BatchNorm bn = BatchNorm.builder().build();
            Conv2d c2 = conv(3);
            Conv2d c3 = conv(3);
            Linear fc = Linear.builder().setUnits(3).build();
            NamedParallelBlock residual = new NamedParallelBlock(NamedBlocks.sum())
                    .add("branch", new SequentialBlock().add(c2).add(Activation.reluBlock()).add(c3))
                    .add("identity", Blocks.identityBlock());
            SequentialBlock net = new SequentialBlock().add(c1).add(bn).add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))).add(residual)
                    .add(Activation.reluBlock()).add(Pool.globalAvgPool2dBlock()).add(fc);
            TestNets.init(net, m, DataType.FLOAT64, input, 61);
            NDArray x = TestNets.randomInput(m, input, DataType.FLOAT64, 62);
            double[] xs = x.toDoubleArray();
            Heap h = new Heap();
            compare(engine, "residual net", m, net, x, (n, rule) -> {
                double[] x0 = java.util.Arrays.copyOfRange(xs, n * 108, (n + 1) * 108);
                double[] z1 = h.conv(x0, 3, 6, 6, w(c1), b(c1), 3);
                double[] y1 = Heap.batchNorm(z1, 3, 36, bn);
                double[] a1 = Heap.relu(y1);
                int[] winners = new int[27];
                double[] p = Heap.maxPool2(a1, 3, 6, 6, winners);
                double[] z2 = h.conv(p, 3, 3, 3, w(c2), b(c2), 3);
                double[] a2 = Heap.relu(z2);
                double[] z3 = h.conv(a2, 3, 3, 3, w(c3), b(c3), 3);
                double[] s = new double[27];
                for (int i = 0; i < 27; i++) {
                    s[i] = z3[i] + p[i];
                }
                double[] g = Heap.linearBack(Heap.oneHot(3, CLASS), w(fc), 3);
                g = Heap.gapBack(g, 3, 9);
                g = Heap.reluRule(s, g, rule);
                // the sum hands g to both branches; they are added back at the fork
                double[] gb = h.convBack(g, 3, 3, 3, w(c3), 3);
                gb = Heap.reluRule(z2, gb, rule);
                gb = h.convBack(gb, 3, 3, 3, w(c2), 3);
                double[] gp = new double[27];
                for (int i = 0; i < 27; i++) {
                    gp[i] = gb[i] + g[i];
                }
                g = Heap.maxPoolBack(gp, 108, winners);
                g = Heap.reluRule(y1, g, rule);
                g = Heap.batchNormBack(g, 3, 36, bn);
                return h.convBack(g, 3, 6, 6, w(c1), 3);
            });
        }
    }

    private interface Reference {
        double[] map(int n, Rule rule);
    }

    private static void compare(String engine, String what, NDManager m, Block net, NDArray x, Reference ref) {
        Shape s = x.getShape();
        ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb((int) s.get(2), (int) s.get(3)));
        List<Attribution> plain = Saliency.create().explainTensor(model, x, Target.classIndex(CLASS));
        List<Attribution> guided = GuidedBackprop.create().explainTensor(model, x, Target.classIndex(CLASS));
        List<Attribution> deconv = Deconvnet.create().explainTensor(model, x, Target.classIndex(CLASS));
        for (int n = 0; n < s.get(0); n++) {
            double[] p = ref.map(n, Rule.PLAIN);
            double[] g = ref.map(n, Rule.GUIDED);
            double[] d = ref.map(n, Rule.DECONVNET);
            double scale = check(engine + " " + what + " gradient (checks the reference)", p, plain.get(n));
            double gs = check(engine + " " + what + " guided backpropagation", g, guided.get(n));
            double ds = check(engine + " " + what + " deconvnet", d, deconv.get(n));
            double dg = maxDiff(p, g);
            double dd = maxDiff(p, d);
            System.out.printf("%s %s sample %d: max|ref| gradient %.4f guided %.4f deconvnet %.4f;"
                    + " max|guided−gradient| %.4f, max|deconvnet−gradient| %.4f%n", engine, what, n, scale, gs, ds,
                    dg, dd);
            assertTrue(dg > 0.05 * scale && dd > 0.05 * scale, "the rules change the map, so the test can fail");
        }
    }

    /** Asserts the method's map equals the reference to 1e-5 of its largest value; returns that value. */
    private static double check(String what, double[] ref, Attribution a) {
        float[] got = a.values();
        assertEquals(ref.length, got.length, what + ": size");
        double scale = 0;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 1e-3, what + ": the reference is not trivially zero (" + scale + ")");
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], got[i], 1e-5 * scale, what + ": value " + i);
        }
        return scale;
    }

    private static double maxDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).optPadding(new Shape(1, 1))
                .build();
    }

    private static double[] w(Block b) {
        return b.getParameters().get("weight").getArray().toDoubleArray();
    }

    private static double[] b(Block b) {
        return b.getParameters().get("bias").getArray().toDoubleArray();
    }

    /** Layers and their backward passes in plain loops; arrays are channel-first and flat. */
    static final class Heap {

        /** 3×3 convolution with padding 1 and stride 1: {@code in} channels to {@code out}. */
        double[] conv(double[] x, int in, int h, int w, double[] k, double[] bias, int out) {
            double[] y = new double[out * h * w];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int c = 0; c < in; c++) {
                            for (int ki = 0; ki < 3; ki++) {
                                for (int kj = 0; kj < 3; kj++) {
                                    int ii = i + ki - 1;
                                    int jj = j + kj - 1;
                                    if (ii >= 0 && ii < h && jj >= 0 && jj < w) {
                                        s += k[((o * in + c) * 3 + ki) * 3 + kj] * x[(c * h + ii) * w + jj];
                                    }
                                }
                            }
                        }
                        y[(o * h + i) * w + j] = s;
                    }
                }
            }
            return y;
        }

        /** The gradient w.r.t. a convolution's input, given the gradient w.r.t. its output. */
        double[] convBack(double[] g, int in, int h, int w, double[] k, int out) {
            double[] gx = new double[in * h * w];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double go = g[(o * h + i) * w + j];
                        for (int c = 0; c < in; c++) {
                            for (int ki = 0; ki < 3; ki++) {
                                for (int kj = 0; kj < 3; kj++) {
                                    int ii = i + ki - 1;
                                    int jj = j + kj - 1;
                                    if (ii >= 0 && ii < h && jj >= 0 && jj < w) {
                                        gx[(c * h + ii) * w + jj] += k[((o * in + c) * 3 + ki) * 3 + kj] * go;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return gx;
        }

        static double[] relu(double[] z) {
            double[] a = new double[z.length];
            for (int i = 0; i < z.length; i++) {
                a[i] = Math.max(0, z[i]);
            }
            return a;
        }

        /** The backward step at a ReLU with input {@code z}: the derivative, guided, or deconvnet rule. */
        static double[] reluRule(double[] z, double[] g, Rule rule) {
            double[] out = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                out[i] = switch (rule) {
                    case PLAIN -> z[i] > 0 ? g[i] : 0;
                    case GUIDED -> z[i] > 0 && g[i] > 0 ? g[i] : 0;
                    case DECONVNET -> g[i] > 0 ? g[i] : 0;
                };
            }
            return out;
        }

        static double[] oneHot(int k, int cls) {
            double[] g = new double[k];
            g[cls] = 1;
            return g;
        }

        /** The gradient w.r.t. a linear layer's input ({@code W} is {@code out × in}). */
        static double[] linearBack(double[] g, double[] weight, int in) {
            double[] gx = new double[in];
            for (int o = 0; o < g.length; o++) {
                for (int i = 0; i < in; i++) {
                    gx[i] += weight[o * in + i] * g[o];
                }
            }
            return gx;
        }

        static double[] gapBack(double[] g, int channels, int plane) {
            double[] gx = new double[channels * plane];
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < plane; i++) {
                    gx[c * plane + i] = g[c] / plane;
                }
            }
            return gx;
        }

        /** 2×2 max-pooling with stride 2; records each output's winning input index. */
        static double[] maxPool2(double[] x, int channels, int h, int w, int[] winners) {
            int oh = h / 2;
            int ow = w / 2;
            double[] y = new double[channels * oh * ow];
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int best = -1;
                        for (int di = 0; di < 2; di++) {
                            for (int dj = 0; dj < 2; dj++) {
                                int idx = (c * h + 2 * i + di) * w + 2 * j + dj;
                                if (best < 0 || x[idx] > x[best]) {
                                    best = idx;
                                }
                            }
                        }
                        int o = (c * oh + i) * ow + j;
                        y[o] = x[best];
                        winners[o] = best;
                    }
                }
            }
            return y;
        }

        static double[] maxPoolBack(double[] g, int inputSize, int[] winners) {
            double[] gx = new double[inputSize];
            for (int o = 0; o < g.length; o++) {
                gx[winners[o]] += g[o];
            }
            return gx;
        }

        static double[] batchNorm(double[] x, int channels, int plane, BatchNorm bn) {
            double[][] p = bnParameters(bn);
            double[] y = new double[x.length];
            for (int c = 0; c < channels; c++) {
                double scale = p[0][c] / Math.sqrt(p[3][c] + 1e-5);
                for (int i = 0; i < plane; i++) {
                    y[c * plane + i] = (x[c * plane + i] - p[2][c]) * scale + p[1][c];
                }
            }
            return y;
        }

        static double[] batchNormBack(double[] g, int channels, int plane, BatchNorm bn) {
            double[][] p = bnParameters(bn);
            double[] gx = new double[g.length];
            for (int c = 0; c < channels; c++) {
                double scale = p[0][c] / Math.sqrt(p[3][c] + 1e-5);
                for (int i = 0; i < plane; i++) {
                    gx[c * plane + i] = g[c * plane + i] * scale;
                }
            }
            return gx;
        }

        /** gamma, beta, running mean, running variance. */
        private static double[][] bnParameters(BatchNorm bn) {
            var ps = bn.getParameters();
            return new double[][] {ps.get("gamma").getArray().toDoubleArray(),
                    ps.get("beta").getArray().toDoubleArray(), ps.get("runningMean").getArray().toDoubleArray(),
                    ps.get("runningVar").getArray().toDoubleArray()};
        }
    }
}
