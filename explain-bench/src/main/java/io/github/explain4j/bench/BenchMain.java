package io.github.explain4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH benchmarks with JMH's own command-line options, writes the results to
 * {@code target/jmh-result.json}, and prints (and writes to {@code target/jmh-ratios.md}) the table of each
 * method's time over its floor's.
 *
 * <p>Run from the repository root; {@code jmh.args} takes any JMH options and benchmark name patterns:
 * <pre>
 * mvn -o -q -pl explain-bench -am -Pbench -DskipTests package                     # the whole suite
 * mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="-p engine=PyTorch GradCam"
 * mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="-l"     # list the benchmarks
 * </pre>
 */
public final class BenchMain {

    private static final List<String> JMH_ONLY = List.of("-h", "-l", "-lp", "-lrf", "-lprof");

    private BenchMain() {}

    /** Runs JMH with {@code args} and prints the ratio table. */
    public static void main(String[] args) throws IOException, RunnerException {
        for (String a : args) {
            if (JMH_ONLY.contains(a)) {
                org.openjdk.jmh.Main.main(args);
                return;
            }
        }
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("invalid JMH options: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path target = Path.of("target");
        Files.createDirectories(target);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(cli);
        if (cli.getResult().hasValue() || cli.getResultFormat().hasValue()) {
            Options options = builder.build();
            Collection<RunResult> results = new Runner(options).run();
            System.out.print(RatioTable.of(results).render());
            return;
        }
        Options options = builder.resultFormat(ResultFormatType.JSON)
                .result(target.resolve("jmh-result.json").toString())
                .build();
        Collection<RunResult> results = new Runner(options).run();
        String table = RatioTable.of(results).render();
        Files.writeString(target.resolve("jmh-ratios.md"), table, StandardCharsets.UTF_8);
        System.out.print(table);
    }
}
