package io.github.explain4j.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/**
 * Turns benchmark results into the table the targets are stated in: each explanation method's time over its
 * floor's, per engine, from the mean and from the fastest iteration of each (on a shared machine the fastest
 * iteration is the least disturbed, so both are shown).
 *
 * <p>Built from JMH's {@link RunResult}s by {@link BenchMain}, or from a JMH JSON result file:
 * <pre>
 * java -cp "explain-bench/target/classes:$(cat explain-bench/target/classpath.txt)" io.github.explain4j.bench.RatioTable explain-bench/target/jmh-result.json
 * </pre>
 * ({@code BenchMain} writes that file on every run; the build writes {@code target/classpath.txt}.)
 */
public final class RatioTable {

    /** One benchmark's result in milliseconds. */
    record Score(String benchmark, String engine, String batchSize, double mean, double min, double max, int n) {}

    /** A method, its floor, and the target for the ratio. */
    private record Comparison(String label, String method, String floor, String plainFloor, double target) {}

    private static final List<Comparison> COMPARISONS = List.of(
            new Comparison("Grad-CAM (batch 1)", "GradCamBenchmark.gradCam", "GradCamBenchmark.floor",
                    "PlainDjlBenchmark.batch1", 1.05),
            new Comparison("SmoothGrad (50 samples)", "MultiPassBenchmark.smoothGrad", "MultiPassBenchmark.floor",
                    "PlainDjlBenchmark.samples50", 1.10),
            new Comparison("Integrated Gradients (50 steps)", "MultiPassBenchmark.integratedGradients",
                    "MultiPassBenchmark.floor", "PlainDjlBenchmark.samples50", 1.10));

    private final List<Score> scores;

    private RatioTable(List<Score> scores) {
        this.scores = List.copyOf(scores);
    }

    /** The table of JMH's in-process results. */
    public static RatioTable of(Collection<RunResult> results) {
        List<Score> scores = new ArrayList<>();
        for (RunResult r : results) {
            Statistics s = r.getPrimaryResult().getStatistics();
            double toMs = toMillis(r.getPrimaryResult().getScoreUnit());
            scores.add(new Score(shortName(r.getParams().getBenchmark()), r.getParams().getParam("engine"),
                    r.getParams().getParam("batchSize"), s.getMean() * toMs, s.getMin() * toMs, s.getMax() * toMs,
                    (int) s.getN()));
        }
        return new RatioTable(scores);
    }

    /** The table of a JMH JSON result file ({@code -rf json}). */
    public static RatioTable read(Path json) throws IOException {
        List<Score> scores = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            for (JsonElement e : JsonParser.parseReader(in).getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                JsonObject params = o.has("params") ? o.getAsJsonObject("params") : new JsonObject();
                JsonObject metric = o.getAsJsonObject("primaryMetric");
                double toMs = toMillis(metric.get("scoreUnit").getAsString());
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                double sum = 0;
                int n = 0;
                for (JsonElement fork : metric.getAsJsonArray("rawData")) {
                    for (JsonElement v : (JsonArray) fork) {
                        double d = v.getAsDouble();
                        min = Math.min(min, d);
                        max = Math.max(max, d);
                        sum += d;
                        n++;
                    }
                }
                scores.add(new Score(shortName(o.get("benchmark").getAsString()), string(params, "engine"),
                        string(params, "batchSize"), sum / n * toMs, min * toMs, max * toMs, n));
            }
        }
        return new RatioTable(scores);
    }

    /** Prints the table of the JSON file named by the first argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RatioTable <jmh-result.json>");
            System.exit(2);
        }
        System.out.print(read(Path.of(args[0])).render());
    }

    /** The table as Markdown: every measured score, then the ratios. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("\n### Measured (ms per explanation; mean of iterations, fastest, slowest)\n\n");
        out.append("| benchmark | engine | batch size | mean ms | fastest ms | slowest ms | iterations |\n");
        out.append("|---|---|---|---:|---:|---:|---:|\n");
        for (Score s : scores) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.1f | %.1f | %d |%n", s.benchmark(),
                    s.engine(), batchOf(s), s.mean(), s.min(), s.max(), s.n()));
        }
        out.append("\n### Ratios: method / floor (mean ÷ mean; fastest ÷ fastest)\n\n");
        out.append("| method | engine | method ms | seam floor ms | ratio (mean) | ratio (fastest) | target | met |"
                + " plain-DJL floor ms | ratio vs plain (mean) |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---|---:|---:|\n");
        for (Comparison c : COMPARISONS) {
            for (String engine : engines()) {
                for (String batch : batchSizes(c.method(), engine)) {
                    Score m = find(c.method(), engine, batch);
                    Score f = find(c.floor(), engine, batch);
                    if (m == null || f == null) {
                        continue;
                    }
                    Score p = find(c.plainFloor(), engine, batch == null ? "16" : batch);
                    if (c.plainFloor().endsWith("batch1")) {
                        p = findAnyBatch(c.plainFloor(), engine);
                    }
                    double ratio = m.mean() / f.mean();
                    double fastest = m.min() / f.min();
                    String label = batch == null ? c.label() : c.label() + ", batches of " + batch;
                    out.append(String.format(Locale.ROOT,
                            "| %s | %s | %.1f | %.1f | %.3f | %.3f | ≤ %.2f | %s | %s | %s |%n", label, engine,
                            m.mean(), f.mean(), ratio, fastest, c.target(),
                            ratio <= c.target() ? "yes" : fastest <= c.target() ? "fastest only" : "no",
                            p == null ? "–" : String.format(Locale.ROOT, "%.1f", p.mean()),
                            p == null ? "–" : String.format(Locale.ROOT, "%.3f", m.mean() / p.mean())));
                }
            }
        }
        for (String engine : engines()) {
            Score seam1 = find("GradCamBenchmark.floor", engine, null);
            Score plain1 = findAnyBatch("PlainDjlBenchmark.batch1", engine);
            if (seam1 != null && plain1 != null) {
                out.append(String.format(Locale.ROOT, "%nSeam floor / plain-DJL floor, %s, batch 1: %.3f", engine,
                        seam1.mean() / plain1.mean()));
            }
            for (String batch : batchSizes("MultiPassBenchmark.floor", engine)) {
                Score seam = find("MultiPassBenchmark.floor", engine, batch);
                Score plain = find("PlainDjlBenchmark.samples50", engine, batch);
                if (seam != null && plain != null) {
                    out.append(String.format(Locale.ROOT,
                            "%nSeam floor / plain-DJL floor, %s, 50 samples in batches of %s: %.3f", engine, batch,
                            seam.mean() / plain.mean()));
                }
            }
        }
        return out.append('\n').toString();
    }

    private static String batchOf(Score s) {
        boolean single = s.batchSize() == null || s.benchmark().startsWith("GradCamBenchmark.")
                || s.benchmark().endsWith(".batch1");
        return single ? "1" : s.batchSize();
    }

    private List<String> engines() {
        TreeSet<String> set = new TreeSet<>();
        for (Score s : scores) {
            if (s.engine() != null) {
                set.add(s.engine());
            }
        }
        return new ArrayList<>(set.descendingSet());
    }

    private List<String> batchSizes(String benchmark, String engine) {
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (Score s : scores) {
            if (s.benchmark().equals(benchmark) && Objects.equals(s.engine(), engine)) {
                seen.put(s.batchSize(), true);
            }
        }
        return new ArrayList<>(seen.keySet());
    }

    private Score find(String benchmark, String engine, String batch) {
        for (Score s : scores) {
            if (s.benchmark().equals(benchmark) && Objects.equals(s.engine(), engine)
                    && Objects.equals(s.batchSize(), batch)) {
                return s;
            }
        }
        return null;
    }

    private Score findAnyBatch(String benchmark, String engine) {
        for (Score s : scores) {
            if (s.benchmark().equals(benchmark) && Objects.equals(s.engine(), engine)) {
                return s;
            }
        }
        return null;
    }

    private static String string(JsonObject o, String key) {
        return o.has(key) ? o.get(key).getAsString() : null;
    }

    private static String shortName(String benchmark) {
        String[] parts = benchmark.split("\\.");
        return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static double toMillis(String unit) {
        return switch (unit) {
            case "ms/op" -> 1;
            case "s/op" -> 1000;
            case "us/op" -> 1e-3;
            case "ns/op" -> 1e-6;
            default -> throw new IllegalArgumentException("score unit " + unit + " is not a time per operation;"
                    + " run the benchmarks in AverageTime or SingleShotTime mode");
        };
    }
}
