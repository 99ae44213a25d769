package dev.twitterarch.compare;

import static dev.twitterarch.compare.Load.*;
import static io.gatling.javaapi.core.CoreDsl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.gatling.javaapi.core.Simulation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.twitterarch.compare.results.RequestName;
import dev.twitterarch.compare.results.SimulationResults;
import dev.twitterarch.compare.results.SimulationResults.RequestStats;

/**
 * A real Gatling run of a small simulation against an HTTP server on 127.0.0.1: what the simulation hands the report are Gatling's own statistics of it, under the
 * simulation's request names.
 */
class GatlingStatisticsTest {

    /** Reads, and posts, in all. */
    static final int EACH = 20;

    /** Reads of 30 ms; every other post fails. */
    @Test
    void aSimulationHandsTheReportGatlingsOwnStatisticsByRequestName(@TempDir Path dir) throws Exception {
        AtomicInteger posts = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/feed/", exchange -> {
            sleep(30); // the fake step's read latency, which Gatling must measure: not a wait for a condition
            answer(exchange, 200, "{\"items\":[]}");
        });
        server.createContext("/api/tweets/", exchange -> answer(exchange, posts.incrementAndGet() % 2 == 0 ? 201 : 500, "{\"id\":1}"));
        server.start();
        try {
            GatlingRun run = GatlingRun.of(Probe.class, dir, "-Dcompare.baseUrl=http://127.0.0.1:" + server.getAddress().getPort());
            assertEquals(0, run.exitCode, run.log);
        } finally {
            server.stop(0);
        }

        SimulationResults results = SimulationResults.read(dir.resolve("run"));
        RequestStats reads = results.request(RequestName.readFeed(1));
        assertEquals(new RequestStats(EACH, 0, reads.p50(), reads.p95(), reads.p99()), reads);
        assertTrue(reads.p50() >= 30 && reads.p50() <= reads.p95() && reads.p95() <= reads.p99(), reads.toString());
        RequestStats written = results.request(RequestName.postTweet(1));
        assertEquals(EACH / 2, written.ok());
        assertEquals(EACH / 2, written.ko());
        assertEquals(RequestStats.NONE, results.request(RequestName.readFeed(10)), "no such request was sent");
        SimulationResults.Window stage = results.stages().get(1);
        assertTrue(stage.seconds() >= EACH * 0.03, "the stage lasted at least its reads: " + stage);
    }

    /** Run in Gatling's JVM: two users, each reading and posting 10 times, counted as a stage of 1 user. */
    public static class Probe extends Simulation {

        private final Knobs knobs = Knobs.fromSystemProperties();
        private final RunRecorder recorder = new RunRecorder();

        {
            setUp(scenario("probe").feed(listFeeder(List.of(Map.<String, Object>of("user_id", "7"))).circular())
                    .repeat(EACH / 2).on(recorder.inStage(1,
                            readFeed(RequestName.readFeed(1)).exec(postTweet(RequestName.postTweet(1), "7", "a probe"))))
                    .injectOpen(atOnceUsers(2)))
                    .protocols(protocol(Knobs.text("baseUrl", "")));
        }

        @Override
        public void after() {
            recorder.write(knobs.workDir(), knobs.gatlingResults(), getClass(), 0);
        }
    }

    static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
