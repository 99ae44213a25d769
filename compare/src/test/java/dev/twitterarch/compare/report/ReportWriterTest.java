package dev.twitterarch.compare.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.twitterarch.compare.FanOutProgress.Settled;
import dev.twitterarch.compare.Knobs;
import dev.twitterarch.compare.Records;
import dev.twitterarch.compare.dataset.DataSetFacts;
import dev.twitterarch.compare.results.RequestName;
import dev.twitterarch.compare.results.SimulationResults;
import dev.twitterarch.compare.results.SimulationResults.CacheStats;
import dev.twitterarch.compare.results.SimulationResults.Lag;
import dev.twitterarch.compare.results.SimulationResults.RequestStats;
import dev.twitterarch.compare.results.SimulationResults.Window;

class ReportWriterTest {

    @Test
    void aRunsMeasurementsBecomeOneSelfContainedPageAndTheSameTablesInMarkdown(@TempDir Path work) throws Exception {
        System.setProperty("compare.workDir", work.toString());
        System.setProperty("compare.stages", "1,10");
        System.setProperty("compare.readsOnlyUsers", "10");
        try {
            Knobs knobs = Knobs.fromSystemProperties();
            Files.createDirectories(knobs.dataSetDir());
            new DataSetFacts(50, 660, 99, 1389, 1000, 1, 49,
                    List.of(new DataSetFacts.Author(2, 10, 10), new DataSetFacts.Author(1, 49, 49)), List.of(3L, 4L), 9, 47, 6)
                    .write(knobs.dataSetDir());
            Files.writeString(work.resolve("run.properties"), "steps=1,2,6\nmode=smoke\ndurationSeconds=42\nstarted=today\n");
            for (int step : List.of(1, 2, 6)) {
                Map<String, RequestStats> requests = new HashMap<>();
                Map<Integer, Window> stages = new HashMap<>();
                for (int stage : List.of(1, 10)) {
                    requests.put(RequestName.readFeed(stage).label(), new RequestStats(100, 0, 4 * step, 5 * step, 6 * step));
                    requests.put(RequestName.postTweet(stage).label(), new RequestStats(10, 0, 9, 9, 9));
                    stages.put(stage, new Window(1_000, 3_000));
                }
                requests.put(RequestName.postByAuthorWith(49).label(), new RequestStats(10, 0, 7 * step, 8 * step, 9 * step));
                // reads only at 10 users, 2 s: step 1 300 reads (150/s), step 2 600 (300/s), step 6 1,200 (600/s)
                requests.put(RequestName.readsOnly(10).label(), new RequestStats(Map.of(1, 300L, 2, 600L, 6, 1200L).get(step), 0, 3, 4, 5));
                SimulationResults.ReadsOnly readsOnly = new SimulationResults.ReadsOnly(10, new Window(5_000, 7_000),
                        step == 6 ? new CacheStats(100, 50, 150L, 0, 0) : null, step == 6 ? new CacheStats(1300, 50, 150L, 0, 0) : null);
                new SimulationResults(requests, stages, new Settled(1500, step == 2 ? 12 : 0), Map.of(49, new Settled(200, 0)),
                        List.of(new Lag(30, 40, 90, step == 1 ? null : 70L, true)), List.of(), readsOnly)
                        .write(knobs.stepDir("step" + step));
                Records.append(knobs.stepDir("step" + step).resolve("results.tsv"),
                        List.of("run\tstatus=ok\treport=gatling/step" + step + "/index.html"));
            }
            new SimulationResults(Map.of(RequestName.ping(1).label(), new RequestStats(2000, 0, 1, 1, 1),
                    RequestName.ping(10).label(), new RequestStats(1000, 0, 1, 1, 1)), Map.of(1, new Window(0, 1000), 10, new Window(0, 1000)),
                    null, null, null, null, null).write(knobs.stepDir("ceiling"));
            Records.append(knobs.stepDir("ceiling").resolve("results.tsv"), List.of(
                    "storage\trows=49\tbestMicros=2000\trowsPerSecond=24500", "run\ton=step 1 (step1-basic)\treport=gatling/ceiling/index.html"));

            Path dir = ReportWriter.write(knobs, work.resolve("report"));

            String md = Files.readString(dir.resolve("report.md"));
            String html = Files.readString(dir.resolve("index.html"));
            for (String expected : List.of("| 1 step1-basic | JOIN", "| 2 step2-precomputed |", "24,500 rows/s", "gave up, 12 rows missing",
                    "[step 2](gatling/step2/index.html)", "49 followers (all)",
                    "| 2 step2-precomputed | 8 / 10 / 12 | 8 / 10 / 12 |", // read latency at 1 and 10 users
                    "| 1 step1-basic | 50 + 5 (3%); 0 errors |", // 100 reads and 10 posts in 2 s; /ping: 2000/s
                    "| 2 step2-precomputed | - | 14 / 16 |", // write cost: only the celebrity posted
                    "## Reads only, every feed warm",
                    "| 6 step6-cached | 600 | 60% | 3 / 4 / 5 | 0 errors | 1,200 / 0 |", // /ping @10 users: 1,000/s
                    "| 2 step2-precomputed | 300 | 30% | 3 / 4 / 5 | 0 errors | - |",
                    "## Step 6's targets",
                    "| reads only @10 users: reads/s >= 0.5x /ping's | 600 (0.60x) | 500 | met |",
                    "| celebrity POST p50 <= 1.5x an ordinary author's (10 followers; ms) | 42 | - | - |", // the ordinary author did not post
                    "| celebrity's tweet seen by every sampled follower <= 100 ms (median of the posts) | 90 ms | 100 ms | met |")) {
                assertTrue(md.contains(expected), "report.md lacks: " + expected);
            }
            assertTrue(html.contains("<canvas") && html.contains("<table>") && html.contains("href=\"gatling/step1/index.html\""));
            assertFalse(html.contains("<script src") || html.contains("src=\"http") || html.contains("<link"),
                    "the page must work offline: nothing fetched");
        } finally {
            System.clearProperty("compare.workDir");
            System.clearProperty("compare.stages");
            System.clearProperty("compare.readsOnlyUsers");
        }
    }
}
