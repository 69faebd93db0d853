package io.github.explain4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.util.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DjlProgressTest {

    @Test
    void eachTaskResetsTheBarUpdatesItAndEndsIt() {
        List<String> calls = new ArrayList<>();
        Progress recorder = new Progress() {
            @Override
            public void reset(String message, long max, String trailingMessage) {
                calls.add("reset " + message + " " + max);
            }

            @Override
            public void start(long initialProgress) {
                calls.add("start");
            }

            @Override
            public void end() {
                calls.add("end");
            }

            @Override
            public void increment(long increment) {
                calls.add("increment " + increment);
            }

            @Override
            public void update(long progress, String message) {
                calls.add("update " + progress);
            }
        };
        DjlProgress listener = DjlProgress.of(recorder);
        listener.progress("IG", 16, 32);
        listener.progress("IG", 32, 32);
        listener.progress("RISE", 10, 20);
        assertEquals(List.of("reset IG 32", "update 16", "update 32", "end", "reset RISE 20", "update 10"), calls);
    }
}
