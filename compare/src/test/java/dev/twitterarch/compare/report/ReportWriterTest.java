package dev.twitterarch.compare.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.twitterarch.compare.Knobs;
import dev.twitterarch.compare.LatencyRecorder;
import dev.twitterarch.compare.Records;
import dev.twitterarch.compare.dataset.DataSetFacts;

class ReportWriterTest {

    @Test
    void aRunsMeasurementsBecomeOneSelfContainedPageAndTheSameTablesInMarkdown(@TempDir Path work) throws Exception {
        System.setProperty("compare.workDir", work.toString());
        System.setProperty("compare.stages", "1,10");
        try {
            Knobs knobs = Knobs.fromSystemProperties();
            Files.createDirectories(knobs.dataSetDir());
            new DataSetFacts(50, 660, 99, 1389, 1000, 1, 49,
                    List.of(new DataSetFacts.Author(2, 10, 10), new DataSetFacts.Author(1, 49, 49)), List.of(3L, 4L), 9, 47, 6)
                    .write(knobs.dataSetDir());
            Files.writeString(work.resolve("run.properties"), "steps=1,2\nmode=smoke\ndurationSeconds=42\nstarted=today\n");
            for (int step = 1; step <= 2; step++) {
                LatencyRecorder recorder = new LatencyRecorder();
                for (int stage : List.of(1, 10)) {
                    recorder.record("read feed @" + stage + " users", "mixed", Integer.toString(stage), 4 * step, true);
                    recorder.record("post tweet @" + stage + " users", "mixed", Integer.toString(stage), 9, true);
                }
                recorder.record("post, author with 49 followers", "write-cost", "49", 7 * step, true);
                recorder.event("lag", Map.of("postMillis", 30, "apiFirstMillis", 40, "apiMillis", 90,
                        "dbMillis", step == 1 ? "" : "70", "complete", "true"));
                recorder.event("settle", Map.of("label", "after mixed traffic", "millis", 1500, "pending", step == 2 ? 12 : 0));
                recorder.write(knobs.stepDir("step" + step).resolve("results.tsv"));
                Records.append(knobs.stepDir("step" + step).resolve("results.tsv"),
                        List.of("run\tstatus=ok\treport=gatling/step" + step + "/index.html"));
            }
            LatencyRecorder ping = new LatencyRecorder();
            ping.record("ping @1 users", "ping", "1", 1, true);
            ping.write(knobs.stepDir("ceiling").resolve("results.tsv"));
            Records.append(knobs.stepDir("ceiling").resolve("results.tsv"), List.of(
                    "storage\trows=49\tbestMicros=2000\trowsPerSecond=24500", "run\ton=step 1 (step1-basic)\treport=gatling/ceiling/index.html"));

            Path dir = ReportWriter.write(knobs, work.resolve("report"));

            String md = Files.readString(dir.resolve("report.md"));
            String html = Files.readString(dir.resolve("index.html"));
            for (String expected : List.of("| 1 step1-basic | JOIN", "| 2 step2-precomputed |", "24,500 rows/s", "gave up, 12 rows missing",
                    "[step 2](gatling/step2/index.html)", "49 followers (all)")) {
                assertTrue(md.contains(expected), "report.md lacks: " + expected);
            }
            assertTrue(html.contains("<svg") && html.contains("<table>") && html.contains("href=\"gatling/step1/index.html\""));
            assertFalse(html.contains("<script") || html.contains("src=\"http") || html.contains("<link"),
                    "the page must work offline: nothing fetched");
        } finally {
            System.clearProperty("compare.workDir");
            System.clearProperty("compare.stages");
        }
    }
}
