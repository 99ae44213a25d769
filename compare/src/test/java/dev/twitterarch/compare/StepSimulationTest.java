package dev.twitterarch.compare;

import static dev.twitterarch.compare.GatlingStatisticsTest.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.twitterarch.compare.dataset.DataSetFacts;
import dev.twitterarch.compare.dataset.SnowflakeLayout;
import dev.twitterarch.compare.results.RequestName;
import dev.twitterarch.compare.results.SimulationResults;

/**
 * Step 1's simulation, shortened, against a fake step on 127.0.0.1 (step 1 has no fan-out to wait
 * for, so no database is needed) that makes its tweet ids with a given function of the time.
 */
class StepSimulationTest {

    @Test
    void aRunHandsTheReportItsResults(@TempDir Path dir) throws Exception {
        GatlingRun run = run(dir, millis -> SnowflakeLayout.id(millis, 0, 0), "-Dcompare.maxErrorPercent=0");
        assertEquals(0, run.exitCode, run.log);

        SimulationResults results = SimulationResults.read(dir.resolve("run").resolve("step1"));
        for (int users : List.of(1, 2)) {
            assertTrue(results.request(RequestName.readFeed(users)).ok() > 0, "reads at " + users + " users");
            assertTrue(results.stages().get(users).seconds() > 0.5, "stage of " + users + " users: " + results.stages());
        }
        assertEquals(2, results.request(RequestName.postByAuthorWith(1)).ok());
        assertEquals(1, results.request(RequestName.CELEBRITY_POST).ok());
        assertEquals(1, results.lags().size());
        assertTrue(results.lags().get(0).complete(), "the sampled follower saw the post: " + results.lags());
        assertNull(results.afterMixedTraffic(), "step 1: nothing to wait for");
        // every reader's feed once (users 2 and 3), then a stage of reads only
        assertEquals(2, results.request(RequestName.READ_EVERY_FEED).ok());
        assertTrue(results.request(RequestName.readsOnly(2)).ok() > 0, "reads only");
        assertEquals(2, results.readsOnly().users());
        assertTrue(results.readsOnly().window().seconds() > 0.5, "reads-only stage: " + results.readsOnly());
    }

    /** The check that keeps compare's copy of the id layout honest (see SnowflakeLayout). */
    @Test
    void aStepWhoseIdsAreMadeInAnotherLayoutFailsTheRun(@TempDir Path dir) throws Exception {
        GatlingRun run = run(dir, millis -> SnowflakeLayout.id(millis, 0, 0) << 2, "-Dcompare.maxErrorPercent=100");
        assertNotEquals(0, run.exitCode, run.log);
        assertTrue(run.log.contains("the tweet's id, read in compare's SnowflakeLayout, tells the time of its POST, found false"), run.log);
        assertTrue(run.log.contains(RequestName.CELEBRITY_POST.label() + ": count of failed events is 0.0 : false"), run.log);
    }

    /** Users 1 (the celebrity, followed by 2 and 3), 2 (followed by 3) and 3; the fake's feed shows the last post. */
    private static GatlingRun run(Path dir, LongUnaryOperator idAt, String... properties) throws Exception {
        Path dataSet = dir.resolve("run").resolve("dataset");
        Files.createDirectories(dataSet);
        new DataSetFacts(3, 3, 3, 0, 0, 1, 2, List.of(new DataSetFacts.Author(2, 1, 1), new DataSetFacts.Author(1, 2, 2)),
                List.of(3L), 1, 1, 1).write(dataSet);
        Files.writeString(DataSetFacts.actionsFile(dataSet), "user_id,action\n2,read\n3,read\n2,post\n");

        AtomicLong lastPost = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/tweets/", exchange -> {
            long id = idAt.applyAsLong(System.currentTimeMillis());
            lastPost.set(id);
            answer(exchange, 201, "{\"id\":" + id + "}");
        });
        server.createContext("/api/feed/", exchange -> answer(exchange, 200,
                "{\"items\":[{\"id\":" + lastPost.get() + ",\"user_id\":1}],\"nextCursor\":null}"));
        server.start();
        try {
            List<String> all = new ArrayList<>(List.of("-Dcompare.step=1", "-Dcompare.baseUrl=http://127.0.0.1:" + server.getAddress().getPort(),
                    "-Dcompare.stages=1,2", "-Dcompare.stageSeconds=1", "-Dcompare.readsOnlyUsers=2", "-Dcompare.warmupSeconds=0", "-Dcompare.writePosts=2",
                    "-Dcompare.lagPosts=1", "-Dcompare.lagTimeoutSeconds=5", "-Dcompare.settleTimeoutSeconds=5"));
            all.addAll(List.of(properties));
            return GatlingRun.of(StepSimulation.class, dir, all.toArray(String[]::new));
        } finally {
            server.stop(0);
        }
    }
}
