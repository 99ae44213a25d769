package dev.twitterarch.compare;

import static dev.twitterarch.compare.Load.*;
import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;

import dev.twitterarch.compare.dataset.DataSetFacts;

/**
 * The same load against one step (compare.sh runs it once per step, the step started and seeded):
 * <ol>
 *   <li>mixed traffic: feed reads to posts 10:1, closed-model stages (1, 10, 100, 1000 users);</li>
 *   <li>write cost: posts by authors with about 10, 100, 1000 and all users as followers;</li>
 *   <li>fan-out lag: from the celebrity's POST until the tweet is in the feeds of sampled followers
 *       (each polled by a user of its own) and, from PostgreSQL, in every follower's feed_items;
 *       with /metrics before and after on steps 5-6, /cache/stats at the end on step 6.</li>
 * </ol>
 * Between the parts, and after every author's posts, it waits until the step's fan-out has quiesced
 * (PostgreSQL says how many feed rows are still missing), so no part pays for the previous one's
 * backlog; how long that took is itself reported.
 * Knobs: system properties, see {@link Knobs}; plus compare.step, compare.baseUrl, compare.schema, compare.out.
 */
public class StepSimulation extends Simulation {

    private final Knobs knobs = Knobs.fromSystemProperties();
    private final int step = Knobs.integer("step", 1);
    private final String schema = Knobs.text("schema", "step" + step);
    private final Path out = Path.of(Knobs.text("out", knobs.stepDir("step" + step).toString()));
    private final DataSetFacts facts = DataSetFacts.read(knobs.dataSetDir());
    private final LatencyRecorder recorder = new LatencyRecorder();
    /** Step 1 builds feeds on read: no rows to wait for. */
    private final FanOutProgress progress = step >= 2 ? new FanOutProgress(knobs, schema, facts) : null;

    {
        List<Map<String, Object>> actions = actions(knobs.dataSetDir());
        List<PopulationBuilder> parts = new ArrayList<>();
        if (knobs.warmupSeconds() > 0) {
            int users = Math.min(10, knobs.stages().get(knobs.stages().size() - 1));
            parts.add(stage("warm-up (not reported)", users, knobs.warmupSeconds(), actions, n -> mixed("warm-up", "warm-up")));
        }
        parts.add(cacheStats("before the stages"));
        for (int users : knobs.stages()) {
            parts.add(stage("mixed traffic, " + users + " users", users, knobs.stageSeconds(), actions,
                    n -> mixed("mixed", Integer.toString(n))));
            parts.add(cacheStats(Integer.toString(users)));
        }
        parts.removeIf(java.util.Objects::isNull);
        parts.add(once("settle after mixed traffic", settle("after mixed traffic")));
        parts.add(once("write cost by follower count", writeCost()));

        setUp(inSequence(parts, fanOutLag()))
                .protocols(protocol(Knobs.text("baseUrl", "http://127.0.0.1:800" + step)))
                .assertions(
                        global().failedRequests().percent().lte(knobs.maxErrorPercent()),
                        global().responseTime().percentile(99.0).lt(knobs.maxP99Millis()));
    }

    /** Step 6: its cache's hits and misses so far (cumulative), so the report can tell them per stage. */
    private PopulationBuilder cacheStats(String after) {
        if (step != 6) {
            return null;
        }
        return once("cache stats " + after, exec(http("GET /cache/stats").get("/cache/stats").check(bodyString().saveAs("cacheStats")))
                .exec(session -> {
                    Map<String, Object> fields = new LinkedHashMap<>(JsonNumbers.of(session.getString("cacheStats")));
                    fields.put("after", after);
                    recorder.event("cache", fields);
                    return session;
                }));
    }

    private ChainBuilder mixed(String part, String stage) {
        String suffix = part.equals("warm-up") ? " (warm-up)" : " @" + stage + " users";
        return doSwitch("#{action}").on(
                onCase("read").then(readFeed(recorder, part, stage, "read feed" + suffix)),
                onCase("post").then(postTweet(recorder, part, stage, "post tweet" + suffix, "#{user_id}",
                        "compare: a post by #{user_id}")));
    }

    /** Sequential posts per author, fewest followers first, each author's fan-out drained before the next. */
    private ChainBuilder writeCost() {
        ChainBuilder chain = exec(session -> session);
        for (DataSetFacts.Author author : facts.authors()) {
            String name = "post, author with " + author.followers() + " followers";
            chain = chain.repeat(knobs.writePosts()).on(
                            postTweet(recorder, "write-cost", Integer.toString(author.followers()), name,
                                    Long.toString(author.id()), "compare: write cost"))
                    .exec(settle("after " + knobs.writePosts() + " posts by the author with " + author.followers() + " followers"));
        }
        return chain;
    }

    /**
     * The celebrity posts, {@code lagPosts} times, each once the previous fan-out is done. Meanwhile
     * one poller per sampled follower reads that follower's first feed page (every 50 ms) until the
     * post shows up; and on steps 2-6 the poster asks PostgreSQL until every follower's feed_items row
     * is in. All three moments are timed from just before the POST.
     */
    private PopulationBuilder[] fanOutLag() {
        long celebrity = facts.celebrityId();
        int followers = facts.celebrityFollowers();
        long timeout = knobs.lagTimeoutSeconds() * 1000L;
        LagProbe probe = new LagProbe(facts.lagSample(),
                knobs.lagPosts() * (long) (knobs.lagTimeoutSeconds() + knobs.settleTimeoutSeconds()) + 120);

        ChainBuilder onePost = exec(session -> session.set("t0", probe.begin().startNanos))
                .exec(postTweet(recorder, "lag", "celebrity", "post, celebrity (fan-out lag)", Long.toString(celebrity),
                        "compare: fan-out lag", jsonPath("$.id").ofLong().saveAs("tweetId")))
                .exec(session -> {
                    probe.current().posted();
                    CompletableFuture<Long> rows = progress == null || !session.contains("tweetId")
                            ? CompletableFuture.completedFuture(0L)
                            : progress.delivered(session.getLong("tweetId"), celebrity, followers, session.getLong("t0"), timeout);
                    return session.set("postMillis", session.contains("rt") ? (long) session.getInt("rt") : -1L).set("rows", rows);
                })
                .asLongAs(session -> session.contains("tweetId") && elapsedMillis(session, "t0") < timeout
                        && !(probe.current().allSeen() && session.<CompletableFuture<Long>>get("rows").isDone())).on(
                        pause(Duration.ofMillis(20)))
                .exec(session -> session.set("dbMillis", session.<CompletableFuture<Long>>get("rows").getNow(-1L)))
                .exec(session -> {
                    LagProbe.Round round = probe.current();
                    Map<String, Object> lag = new LinkedHashMap<>();
                    lag.put("followers", followers);
                    lag.put("sampled", facts.lagSample().size());
                    lag.put("postMillis", session.getLong("postMillis"));
                    lag.put("apiFirstMillis", round.firstMillis());
                    lag.put("apiMillis", round.lastMillis());
                    lag.put("dbMillis", progress == null ? "" : session.getLong("dbMillis"));
                    lag.put("complete", session.contains("tweetId") && round.allSeen() && session.getLong("dbMillis") >= 0);
                    recorder.event("lag", lag);
                    probe.end();
                    return session.remove("tweetId");
                })
                .exec(settle("after a celebrity post"));

        ChainBuilder poster = step >= 5
                ? exec(http("scrape /metrics").get("/metrics").header("Accept", "text/plain").check(bodyString().saveAs("metricsBefore")))
                : exec(session -> session);
        poster = poster.repeat(knobs.lagPosts()).on(onePost).exec(session -> {
            probe.finish();
            return session;
        });
        if (step >= 5) {
            poster = poster.exec(http("scrape /metrics").get("/metrics").header("Accept", "text/plain").check(bodyString().saveAs("metricsAfter")))
                    .exec(session -> save(session, "metricsBefore", "metrics-before.txt"))
                    .exec(session -> save(session, "metricsAfter", "metrics-after.txt"));
        }
        if (step == 6) {
            poster = poster.exec(http("GET /cache/stats").get("/cache/stats").check(bodyString().saveAs("cacheStats")))
                    .exec(session -> save(session, "cacheStats", "cache-stats.json"));
        }

        String poll = "poll a follower's feed (fan-out lag)";
        ChainBuilder poller = asLongAs(session -> !probe.finished()).on(
                doIfOrElse(session -> probe.current() != null && probe.current().polling(session.getLong("user_id"))).then(
                        exec(session -> session.set("round", probe.current()))
                                .exec(timed(recorder, "lag", "poll", poll,
                                        http(poll).get(FEED).header("X-User-ID", "#{user_id}"), status().is(200),
                                        jsonPath("$.items[?(@.user_id == " + celebrity + ")].id").ofLong().findAll().optional()
                                                .saveAs("celebrityTweets")))
                                .exec(session -> sawPost(session))
                                .pause(Duration.ofMillis(50)))
                        .orElse(pause(Duration.ofMillis(5))));
        List<Map<String, Object>> sampled = facts.lagSample().stream().map(id -> Map.<String, Object>of("user_id", id)).toList();
        return new PopulationBuilder[] {
                once("fan-out lag: the celebrity posts", poster),
                scenario("fan-out lag: sampled followers poll their feeds").feed(listFeeder(sampled).queue()).exec(poller)
                        .injectOpen(atOnceUsers(sampled.size()))};
    }

    private Session sawPost(Session session) {
        LagProbe.Round round = session.get("round");
        List<Long> ids = session.contains("celebrityTweets") ? session.getList("celebrityTweets") : List.of();
        if (ids.stream().anyMatch(id -> id >= round.minId)) {
            round.seen(session.getLong("user_id"), System.nanoTime());
        }
        return session.remove("celebrityTweets").remove("round");
    }

    /** Waits (polling PostgreSQL) until no feed row is missing, and records how long that took. */
    private ChainBuilder settle(String label) {
        if (progress == null) {
            return exec(session -> session);
        }
        long timeout = knobs.settleTimeoutSeconds() * 1000L;
        return exec(session -> session.set("settled", progress.settle(timeout)))
                .asLongAs(session -> !session.<CompletableFuture<FanOutProgress.Settled>>get("settled").isDone()).on(
                        pause(Duration.ofMillis(50)))
                .exec(session -> {
                    FanOutProgress.Settled settled = session.<CompletableFuture<FanOutProgress.Settled>>get("settled").join();
                    recorder.event("settle", Map.of("label", label, "millis", settled.millis(), "pending", settled.pending()));
                    return session.remove("settled");
                });
    }

    private Session save(Session session, String attribute, String file) {
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve(file), session.contains(attribute) ? session.getString(attribute) : "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return session;
    }

    @Override
    public void after() {
        recorder.write(out.resolve("results.tsv"));
        if (progress != null) {
            progress.close();
        }
    }
}
