package dev.twitterarch.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyRecorderTest {

    @Test
    void percentilesAreNearestRank() {
        int[] sorted = new int[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(50, LatencyRecorder.percentile(sorted, 50));
        assertEquals(95, LatencyRecorder.percentile(sorted, 95));
        assertEquals(100, LatencyRecorder.percentile(sorted, 100));
        assertEquals(7, LatencyRecorder.percentile(new int[] {7}, 99));
    }

    @Test
    void okAndFailedResponsesAndEventsGoToOneRecordFile(@TempDir Path dir) {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int ms = 1; ms <= 10; ms++) {
            recorder.record("read feed @10 users", "mixed", "10", ms, true);
        }
        recorder.record("read feed @10 users", "mixed", "10", 5000, false);
        recorder.record("read feed @10 users", "mixed", "10", null, false);
        recorder.event("settle", Map.of("label", "after mixed traffic", "millis", 1200, "pending", 0));
        Path file = dir.resolve("results.tsv");
        recorder.write(file);

        List<Map<String, String>> records = Records.read(file);
        Map<String, String> read = Records.ofKind(records, "request").get(0);
        assertEquals("10", read.get("ok"));
        assertEquals("2", read.get("ko"));
        assertEquals("5", read.get("p50"));
        assertEquals("10", read.get("max"));
        assertEquals("after mixed traffic", Records.ofKind(records, "settle").get(0).get("label"));
        assertEquals(true, Files.exists(file));
    }
}
