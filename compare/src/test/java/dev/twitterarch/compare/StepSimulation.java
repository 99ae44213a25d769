package dev.twitterarch.compare;

import static dev.twitterarch.compare.Load.*;
import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;

import dev.twitterarch.compare.dataset.DataSetFacts;
import dev.twitterarch.compare.dataset.SnowflakeLayout;
import dev.twitterarch.compare.results.RequestName;
import dev.twitterarch.compare.results.SimulationResults.CacheStats;
import dev.twitterarch.compare.results.SimulationResults.Lag;

/**
 * The same load against one step (compare.sh runs it once per step, the step started and seeded):
 * <ol>
 *   <li>mixed traffic: feed reads to posts 10:1, closed-model stages (1, 10, 100, 1000 users);</li>
 *   <li>reads only: every reader's feed once, then a stage of the script's reads alone (100 users);</li>
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
    private final RunRecorder recorder = new RunRecorder();
    /** Step 1 builds feeds on read: no rows to wait for. */
    private final FanOutProgress progress = step >= 2 ? new FanOutProgress(knobs, schema, facts) : null;

    {
        List<Map<String, Object>> actions = actions(knobs.dataSetDir());
        List<PopulationBuilder> parts = new ArrayList<>();
        if (knobs.warmupSeconds() > 0) {
            int users = Math.min(10, knobs.stages().get(knobs.stages().size() - 1));
            parts.add(stage("warm-up (not reported)", users, knobs.warmupSeconds(), actions,
                    mixed(RequestName.READ_FEED_WARM_UP, RequestName.POST_TWEET_WARM_UP)));
        }
        if (step == 6) {
            parts.add(cacheStats("before the stages", stats -> recorder.cache(0, stats)));
        }
        for (int users : knobs.stages()) {
            parts.add(stage("mixed traffic, " + users + " users", users, knobs.stageSeconds(), actions,
                    recorder.inStage(users, mixed(RequestName.readFeed(users), RequestName.postTweet(users)))));
            if (step == 6) {
                parts.add(cacheStats("after " + users + " users", stats -> recorder.cache(users, stats)));
            }
        }
        parts.add(once("settle after mixed traffic", settle(recorder::afterMixedTraffic)));
        if (knobs.readsOnlyUsers() > 0) {
            readsOnly(parts, actions);
        }
        parts.add(once("write cost by follower count", writeCost()));

        setUp(inSequence(parts, fanOutLag()))
                .protocols(protocol(Knobs.text("baseUrl", "http://127.0.0.1:800" + step)))
                .assertions(
                        global().failedRequests().percent().lte(knobs.maxErrorPercent()),
                        global().responseTime().percentile(99.0).lt(knobs.maxP99Millis()),
                        // each is a fan-out lag measured, and checks the id layout
                        details(RequestName.CELEBRITY_POST.label()).failedRequests().count().is(0L));
    }

    /**
     * Reads only, the feeds warm: first every reader of the script reads their feed once, ten at a
     * time (not reported: for step 6 that loads every timeline into Redis, for the others it is one
     * more pass over the same index pages), then one stage of the script's reads alone. No post
     * invalidates anything meanwhile, so step 6 answers from Redis alone: the cache at its best,
     * measured against the same concurrency of /ping.
     */
    private void readsOnly(List<PopulationBuilder> parts, List<Map<String, Object>> actions) {
        List<Map<String, Object>> reads = actions.stream().filter(a -> "read".equals(a.get("action"))).toList();
        List<Object> readers = reads.stream().map(a -> a.get("user_id")).distinct().toList();
        int lanes = Math.min(10, readers.size());
        List<Map<String, Object>> slices = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            List<Object> slice = new ArrayList<>();
            for (int i = lane; i < readers.size(); i += lanes) {
                slice.add(readers.get(i));
            }
            slices.add(Map.of("readers", slice));
        }
        parts.add(scenario("reads only: every reader's feed once (not reported)").feed(listFeeder(slices).queue())
                .foreach(session -> session.getList("readers"), "user_id").on(readFeed(RequestName.READ_EVERY_FEED))
                .injectOpen(atOnceUsers(lanes)));
        int users = knobs.readsOnlyUsers();
        if (step == 6) {
            parts.add(cacheStats("before the reads only", stats -> recorder.cacheAroundReadsOnly(true, stats)));
        }
        parts.add(stage("reads only, " + users + " users", users, knobs.stageSeconds(), reads,
                recorder.inReadsOnly(readFeed(RequestName.readsOnly(users)))));
        if (step == 6) {
            parts.add(cacheStats("after the reads only", stats -> recorder.cacheAroundReadsOnly(false, stats)));
        }
    }

    /** Step 6: its cache's hits and misses so far (cumulative), so the report can tell them per stage. */
    private PopulationBuilder cacheStats(String when, Consumer<CacheStats> into) {
        return once("cache stats " + when,
                exec(http(RequestName.CACHE_STATS.label()).get("/cache/stats").check(bodyString().saveAs("cacheStats")))
                        .exec(session -> {
                            if (session.contains("cacheStats")) {
                                into.accept(CacheStats.parse(session.getString("cacheStats")));
                            }
                            return session;
                        }));
    }

    private ChainBuilder mixed(RequestName read, RequestName post) {
        return doSwitch("#{action}").on(
                onCase("read").then(readFeed(read)),
                onCase("post").then(postTweet(post, "#{user_id}", "compare: a post by #{user_id}")));
    }

    /** Sequential posts per author, fewest followers first, each author's fan-out drained before the next. */
    private ChainBuilder writeCost() {
        ChainBuilder chain = exec(session -> session);
        for (DataSetFacts.Author author : facts.authors()) {
            chain = chain.repeat(knobs.writePosts()).on(
                            postTweet(RequestName.postByAuthorWith(author.followers()), Long.toString(author.id()), "compare: write cost"))
                    .exec(settle(settled -> recorder.afterAuthorPosts(author.followers(), settled)));
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
        // steps 2-6 write a row per follower, except step 6 for a celebrity (merged at read)
        boolean rowsWritten = progress != null && progress.fansOut(celebrity);
        LagProbe probe = new LagProbe(facts.lagSample(),
                knobs.lagPosts() * (long) (knobs.lagTimeoutSeconds() + knobs.settleTimeoutSeconds()) + 120);

        ChainBuilder onePost = exec(session -> session.set("t0", probe.begin().startNanos).set("t0Millis", System.currentTimeMillis()))
                .exec(post(RequestName.CELEBRITY_POST, Long.toString(celebrity), "compare: fan-out lag").check(
                        responseTimeInMillis().saveAs("rt"), // first: saved even if a later check fails
                        status().is(201),
                        jsonPath("$.id").ofLong().saveAs("tweetId"),
                        // compare's copy of the id layout still matches the step's (see SnowflakeLayout)
                        jsonPath("$.id").ofLong()
                                .transformWithSession((id, session) -> SnowflakeLayout.madeBetween(id, session.getLong("t0Millis"), System.currentTimeMillis()))
                                .is(true).name("the tweet's id, read in compare's SnowflakeLayout, tells the time of its POST")))
                .exec(session -> {
                    probe.current().posted();
                    CompletableFuture<Long> rows = !rowsWritten || !session.contains("tweetId")
                            ? CompletableFuture.completedFuture(0L)
                            : progress.delivered(session.getLong("tweetId"), celebrity, followers, session.getLong("t0"), timeout);
                    return session.set("postMillis", session.contains("rt") ? (long) session.getInt("rt") : -1L).set("rows", rows);
                })
                .asLongAs(session -> session.contains("tweetId") && elapsedMillis(session, "t0") < timeout
                        && !(probe.current().allSeen() && session.<CompletableFuture<Long>>get("rows").isDone())).on(
                        pause(Duration.ofMillis(20)))
                .exec(session -> {
                    LagProbe.Round round = probe.current();
                    long dbMillis = session.<CompletableFuture<Long>>get("rows").getNow(-1L);
                    recorder.lag(new Lag(session.getLong("postMillis"), round.firstMillis(), round.lastMillis(),
                            rowsWritten ? dbMillis : null, session.contains("tweetId") && round.allSeen() && dbMillis >= 0));
                    probe.end();
                    return session.remove("tweetId").remove("rt");
                })
                .exec(settle(settled -> { }));

        ChainBuilder poster = step >= 5
                ? exec(http(RequestName.METRICS.label()).get("/metrics").header("Accept", "text/plain").check(bodyString().saveAs("metricsBefore")))
                : exec(session -> session);
        poster = poster.repeat(knobs.lagPosts()).on(onePost).exec(session -> {
            probe.finish();
            return session;
        });
        if (step >= 5) {
            poster = poster.exec(http(RequestName.METRICS.label()).get("/metrics").header("Accept", "text/plain").check(bodyString().saveAs("metricsAfter")))
                    .exec(session -> save(session, "metricsBefore", "metrics-before.txt"))
                    .exec(session -> save(session, "metricsAfter", "metrics-after.txt"));
        }
        if (step == 6) {
            poster = poster.exec(http(RequestName.CACHE_STATS.label()).get("/cache/stats").check(bodyString().saveAs("cacheStats")))
                    .exec(session -> save(session, "cacheStats", "cache-stats.json"));
        }

        ChainBuilder poller = asLongAs(session -> !probe.finished()).on(
                doIfOrElse(session -> probe.current() != null && probe.current().polling(session.getLong("user_id"))).then(
                        exec(session -> session.set("round", probe.current()))
                                .exec(http(RequestName.POLL_FOLLOWER_FEED.label()).get(FEED).header("X-User-ID", "#{user_id}").check(
                                        status().is(200),
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

    /** Waits (polling PostgreSQL) until no feed row is missing, and hands over how long that took. */
    private ChainBuilder settle(Consumer<FanOutProgress.Settled> into) {
        if (progress == null) {
            return exec(session -> session);
        }
        long timeout = knobs.settleTimeoutSeconds() * 1000L;
        return exec(session -> session.set("settled", progress.settle(timeout)))
                .asLongAs(session -> !session.<CompletableFuture<FanOutProgress.Settled>>get("settled").isDone()).on(
                        pause(Duration.ofMillis(50)))
                .exec(session -> {
                    into.accept(session.<CompletableFuture<FanOutProgress.Settled>>get("settled").join());
                    return session.remove("settled");
                });
    }

    private Session save(Session session, String attribute, String file) {
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve(file), session.contains(attribute) ? session.getString(attribute) : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return session;
    }

    @Override
    public void after() {
        if (progress != null) {
            progress.close();
        }
        recorder.write(out, knobs.gatlingResults(), getClass(), knobs.readsOnlyUsers());
    }
}
