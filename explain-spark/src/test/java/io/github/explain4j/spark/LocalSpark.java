package io.github.explain4j.spark;

import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** The tests' Spark: {@code local[2]}, loopback only, no UI; one session per test class (creation is slow). */
final class LocalSpark {

    private LocalSpark() {}

    /** The engines every equality is checked on. */
    static Stream<String> engines() {
        return Stream.of("PyTorch", "MXNet");
    }

    static SparkSession start(String app) {
        return SparkSession.builder().master("local[2]").appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.adaptive.enabled", "false")
                .getOrCreate();
    }
}
