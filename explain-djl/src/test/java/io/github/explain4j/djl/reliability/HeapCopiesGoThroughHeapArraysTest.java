package io.github.explain4j.djl.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library makes native arrays from Java arrays only through {@code internal.HeapArrays}: DJL's MXNet engine
 * copies a heap array through a temporary direct buffer that nothing keeps reachable during the native copy, so a
 * collection at that moment gives an array of garbage (measured 1 in 73 under allocation; see HeapArrays). A rare,
 * silent failure that a run under pressure may miss, so this test reads the sources: no call of an
 * {@code NDManager}'s {@code create} with an array argument outside HeapArrays.
 *
 * <p>It found {@code ZBoxRule}'s per-channel bounds made with {@code input.getManager().create(values)}.
 */
class HeapCopiesGoThroughHeapArraysTest {

    /** {@code <something>.create(<identifier or array expression>} on a manager-like receiver. */
    private static final Pattern CREATE = Pattern.compile(
            "(?:[Mm]anager\\(\\)|[Mm]anager|scope|pass|chunk|mgr|\\bm)\\s*\\.create\\(\\s*([^)]*)");

    @Test
    void noManagerCreateFromAHeapArrayOutsideHeapArrays() throws IOException {
        Path main = Path.of("src/main/java");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.getFileName().toString().equals("HeapArrays.java")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
                        continue; // javadoc examples
                    }
                    Matcher m = CREATE.matcher(line);
                    while (m.find()) {
                        String arg = m.group(1).strip();
                        // a Shape (uninitialised or zeros) or a Java number is not a heap-array copy
                        if (arg.startsWith("new Shape") || arg.matches("-?[0-9.]+[fFdDL]?") || arg.isEmpty()) {
                            continue;
                        }
                        found.add(main.relativize(f) + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        assertTrue(Files.isDirectory(main), "run from the module directory");
        assertEquals(List.of(), found, "make native arrays from Java arrays with HeapArrays.create(...)");
    }
}
