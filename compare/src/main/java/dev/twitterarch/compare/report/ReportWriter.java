package dev.twitterarch.compare.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

/**
 * Reads a run's measurements (compare/target/run: each simulation's {@link SimulationResults}, plus
 * the records compare.sh and the seeder wrote) and writes the side-by-side report: report.md and a
 * self-contained index.html with the same tables and charts, linking every step's Gatling report.
 */
public final class ReportWriter {

    static final Map<Integer, String[]> STEPS = Map.of(
            1, new String[] {"step1-basic", "JOIN of follows and tweets on read (pull)"},
            2, new String[] {"step2-precomputed", "feed rows written in the POST's transaction (push, sync)"},
            3, new String[] {"step3-async", "one worker writes the rows after a RabbitMQ message"},
            4, new String[] {"step4-multiconsumer", "one message per follower, consistent hash over 4 workers"},
            5, new String[] {"step5-production", "outbox, batches of 100 followers, metrics, limits"},
            6, new String[] {"step6-cached", "Redis timeline per user in front of feed_items, celebrities merged at read"});

    private final Knobs knobs;
    private final Properties run;
    private final DataSetFacts facts;
    private final List<StepRun> steps = new ArrayList<>();
    private final List<Map<String, String>> ceiling;
    private final SimulationResults ping;

    private ReportWriter(Knobs knobs) throws IOException {
        this.knobs = knobs;
        this.run = properties(knobs.workDir().resolve("run.properties"));
        this.facts = DataSetFacts.read(knobs.dataSetDir());
        for (String n : run.getProperty("steps", "").split("[,\\s]+")) {
            if (!n.isBlank()) {
                int step = Integer.parseInt(n);
                steps.add(new StepRun(step, knobs.stepDir("step" + step)));
            }
        }
        this.ceiling = Records.read(knobs.stepDir("ceiling").resolve("results.tsv"));
        this.ping = SimulationResults.read(knobs.stepDir("ceiling"));
    }

    public static Path write(Knobs knobs, Path reportDir) throws IOException {
        ReportWriter writer = new ReportWriter(knobs);
        Doc doc = writer.document();
        Files.createDirectories(reportDir);
        Files.writeString(reportDir.resolve("report.md"), doc.markdown());
        Files.writeString(reportDir.resolve("index.html"), doc.html("twitter-arch: the steps compared"));
        return reportDir;
    }

    // ------------------------------------------------------------------------------------------------

    private Doc document() {
        Doc doc = new Doc();
        doc.heading(1, "twitter-arch: the steps compared");
        header(doc);
        summary(doc);
        ceilings(doc);
        mixed(doc);
        readsOnly(doc);
        writeCost(doc);
        fanOutLag(doc);
        cacheTargets(doc);
        notes(doc);
        return doc;
    }

    private void header(Doc doc) {
        doc.paragraph(String.format(Locale.ROOT, "%s run of %s, started %s, took %s.",
                "smoke".equals(run.getProperty("mode")) ? "**Smoke**" : "Full", stepList(), run.getProperty("started", "?"),
                duration(Long.parseLong(run.getProperty("durationSeconds", "0")))));
        doc.bullets(List.of(
                "**Machine**: " + run.getProperty("machine.cores", "?") + " cores (" + run.getProperty("machine.cpu", "?") + "), "
                        + run.getProperty("machine.memory", "?") + " memory; " + run.getProperty("java.version", "?")
                        + "; PostgreSQL " + run.getProperty("postgres.version", "?") + ", RabbitMQ " + run.getProperty("rabbitmq.version", "?")
                        + ", Redis " + run.getProperty("redis.version", "?") + "; Gatling " + run.getProperty("gatling.version", "?")
                        + ". Load generator, steps and services all on this one machine.",
                "**Machine load**: load average " + run.getProperty("load.start", "?") + " at the start, " + run.getProperty("load.end", "?")
                        + " at the end; " + run.getProperty("load.others", "other JVMs: not counted") + ".",
                "**Every step**: `java " + run.getProperty("jvm.opts", "?") + " -jar <step>.jar`, API and workers in one process, "
                        + "a fresh schema (`--twitter.schema=compare_stepN --twitter.reset-on-start=true`), fresh queues "
                        + "(`--twitter.messaging.prefix=" + run.getProperty("prefix", "compare-") + "stepN`), step 6 on Redis database "
                        + run.getProperty("redis.db", "?") + ", flushed before it starts. Nothing else ran against it.",
                String.format(Locale.ROOT, "**Data set** (seed %d, the same rows in every step): %,d users, each following %d-%d others drawn by "
                                + "Zipf-like popularity (exponent %.1f), plus a celebrity followed by all %,d others: %,d follows; %d-%d tweets each, "
                                + "%,d tweets; %,d precomputed feed rows (steps 2-6). Median follower count %d; the most followed user besides "
                                + "the celebrity has %,d; %d users are followed by at least half of everyone.",
                        knobs.seed(), facts.users(), knobs.friendsMin(), knobs.friendsMax(), knobs.popularity(), facts.celebrityFollowers(),
                        facts.follows(), knobs.postsMin(), knobs.postsMax(), facts.tweets(), facts.seededFeedRows(),
                        facts.medianFollowers(), facts.maxFollowersBesidesCelebrity(), facts.usersFollowedByHalf()),
                String.format(Locale.ROOT, "**Load**: mixed traffic at %s concurrent users (closed model), %d s a stage after a %d s warm-up, "
                                + "feed reads (first page, limit 20) to posts 10:1 from a fixed script; write cost: %d sequential posts by each of "
                                + "the authors below; fan-out lag: %d celebrity posts, %d of its followers polled. Assertions: errors <= %s%%, "
                                + "p99 < %,d ms.",
                        knobs.stages().stream().map(String::valueOf).reduce((a, b) -> a + "/" + b).orElse(""), knobs.stageSeconds(),
                        knobs.warmupSeconds(), knobs.writePosts(), knobs.lagPosts(), facts.lagSample().size(),
                        number(knobs.maxErrorPercent()), knobs.maxP99Millis())));
    }

    private void summary(Doc doc) {
        doc.heading(2, "Summary");
        int top = knobs.stages().get(knobs.stages().size() - 1);
        int mid = knobs.stages().get(Math.min(1, knobs.stages().size() - 1));
        List<List<String>> rows = new ArrayList<>();
        for (StepRun s : steps) {
            RequestStats read = s.results.request(RequestName.readFeed(mid));
            RequestStats readTop = s.results.request(RequestName.readFeed(top));
            double best = 0;
            int bestStage = 0;
            for (int stage : knobs.stages()) {
                double rps = s.stageThroughput(stage)[0];
                if (rps > best) {
                    best = rps;
                    bestStage = stage;
                }
            }
            RequestStats celeb = s.results.request(RequestName.postByAuthorWith(facts.celebrityFollowers()));
            rows.add(List.of(s.title(), STEPS.get(s.step)[1], ms(read, read.p50()), ms(readTop, readTop.p99()),
                    best > 0 ? String.format(Locale.ROOT, "%s @%d (%s)", number(best), bestStage, percent(best, pingRps(bestStage))) : "-",
                    s.results.readsOnly() == null ? "-" : number(s.readsOnlyThroughput()) + " (" + percent(s.readsOnlyThroughput(),
                            pingRps(s.results.readsOnly().users())) + ")",
                    ms(celeb, celeb.p50()), s.lagSummary(), s.status(), s.run().getOrDefault("load", "?"),
                    Records.ofKind(s.records, "log").stream().findFirst().map(log -> log.getOrDefault("deadlocks", "?")).orElse("-")));
        }
        doc.table(List.of("step", "what changes", "read p50 @" + mid + " users (ms)", "read p99 @" + top + " users (ms)",
                "best reads/s @users (% of /ping)", "reads only @" + knobs.readsOnlyUsers() + " users: reads/s (% of /ping)",
                "celebrity POST p50 (ms)", "fan-out lag, all followers (ms)", "run",
                "load avg at its start", "deadlocks in its log"), rows);
        doc.paragraph("Gatling's own reports: " + String.join(", ", steps.stream()
                .map(s -> s.run().containsKey("report") ? "[step " + s.step + "](" + s.run().get("report") + ")" : "step " + s.step + " (none)").toList())
                + (runRecord(ceiling).containsKey("report") ? ", [/ping ceiling](" + runRecord(ceiling).get("report") + ")" : "") + ".");
    }

    private void ceilings(Doc doc) {
        doc.heading(2, "The ceilings of this machine");
        Map<String, String> storage = Records.ofKind(ceiling, "storage").stream().findFirst().orElse(Map.of());
        doc.paragraph("Measured in this run, on " + runRecord(ceiling).getOrDefault("on", "?") + ": **HTTP**: the same stages against "
                + "`GET /ping`, which does no work (Tomcat, Spring MVC and JSON only); **storage**: the celebrity's "
                + storage.getOrDefault("rows", "?") + " fan-out rows as one raw `INSERT ... SELECT ... ON CONFLICT DO NOTHING` into "
                + "feed_items, committed (best of 5, then deleted): **" + number(dbl(storage, "rowsPerSecond")) + " rows/s** ("
                + number(dbl(storage, "bestMicros") / 1000.0) + " ms).");
        List<List<String>> rows = new ArrayList<>();
        for (int stage : knobs.stages()) {
            RequestStats r = ping.request(RequestName.ping(stage));
            rows.add(List.of(stage + " users", number(pingRps(stage)), ms(r, r.p50()), ms(r, r.p95()), ms(r, r.p99()), errors(r)));
        }
        doc.table(List.of("GET /ping", "requests/s", "p50 (ms)", "p95 (ms)", "p99 (ms)", "errors"), rows);
    }

    private void mixed(Doc doc) {
        doc.heading(2, "Mixed traffic: feed reads to posts 10:1");
        doc.paragraph("Each stage keeps exactly N requests in flight (closed model). Latencies are Gatling's own percentiles of the "
                + "successful requests' response times; throughput is requests completed over the stage's wall time. Reads are 10/11 of the "
                + "requests, so a step as fast as `/ping` would reach about 91% of it.");
        List<String> stageHeaders = knobs.stages().stream().map(n -> n + " users").toList();
        for (boolean reads : List.of(true, false)) {
            IntFunction<RequestName> name = reads ? RequestName::readFeed : RequestName::postTweet;
            List<List<String>> rows = new ArrayList<>();
            for (StepRun s : steps) {
                List<String> row = new ArrayList<>(List.of(s.title()));
                for (int stage : knobs.stages()) {
                    RequestStats r = s.results.request(name.apply(stage));
                    row.add(r.count() == 0 ? "-" : ms(r, r.p50()) + " / " + ms(r, r.p95()) + " / " + ms(r, r.p99()));
                }
                rows.add(row);
            }
            List<String> header = new ArrayList<>(List.of(reads ? "read latency p50 / p95 / p99 (ms)" : "post latency p50 / p95 / p99 (ms)"));
            header.addAll(stageHeaders);
            doc.heading(3, reads ? "Read latency" : "Post latency");
            doc.table(header, rows);
            for (int stage : knobs.stages()) {
                double[][] values = new double[3][steps.size()];
                for (int i = 0; i < steps.size(); i++) {
                    RequestStats r = steps.get(i).results.request(name.apply(stage));
                    values[0][i] = msOrNaN(r, r.p50());
                    values[1][i] = msOrNaN(r, r.p95());
                    values[2][i] = msOrNaN(r, r.p99());
                }
                doc.chart(Charts.bars((reads ? "Read" : "Post") + " latency @" + stage + " users", "ms",
                        steps.stream().map(s -> "step " + s.step).toList(), List.of("p50", "p95", "p99"), values, true));
            }
        }

        doc.heading(3, "Throughput and errors");
        List<List<String>> rows = new ArrayList<>();
        double[][] chart = new double[steps.size() + 1][knobs.stages().size()];
        for (int i = 0; i < steps.size(); i++) {
            StepRun s = steps.get(i);
            List<String> row = new ArrayList<>(List.of(s.title()));
            for (int j = 0; j < knobs.stages().size(); j++) {
                int stage = knobs.stages().get(j);
                double[] t = s.stageThroughput(stage);
                chart[i][j] = t[0] + t[1];
                row.add(t[0] + t[1] == 0 ? "-" : String.format(Locale.ROOT, "%s + %s (%s); %s", number(t[0]), number(t[1]),
                        percent(t[0], pingRps(stage)), errors(s.results.request(RequestName.readFeed(stage)), s.results.request(RequestName.postTweet(stage)))));
            }
            rows.add(row);
        }
        List<String> pingRow = new ArrayList<>(List.of("ceiling: GET /ping"));
        for (int j = 0; j < knobs.stages().size(); j++) {
            chart[steps.size()][j] = pingRps(knobs.stages().get(j));
            pingRow.add(number(pingRps(knobs.stages().get(j))));
        }
        rows.add(pingRow);
        List<String> header = new ArrayList<>(List.of("reads/s + posts/s (reads as % of /ping); errors"));
        header.addAll(stageHeaders);
        doc.table(header, rows);
        List<String> series = new ArrayList<>(steps.stream().map(s -> "step " + s.step).toList());
        series.add("/ping");
        doc.chart(Charts.bars("Throughput per stage (reads + posts)", "requests/s", stageHeaders, series, chart, true));

        steps.stream().filter(s -> s.step == 6).findFirst().ifPresent(s -> cacheByStage(doc, s));

        List<List<String>> settle = new ArrayList<>();
        for (StepRun s : steps) {
            Settled drained = s.results.afterMixedTraffic();
            settle.add(List.of(s.title(), s.step == 1 ? "- (nothing to fan out)" : drained == null ? "?" : seconds(drained),
                    String.valueOf(knobs.stages().stream().mapToLong(stage -> s.results.request(RequestName.postTweet(stage)).count()).sum())));
        }
        doc.paragraph("After the last stage, the compare waits until every feed row of every tweet posted so far is in feed_items "
                + "(asking PostgreSQL), so the next part starts idle. For the asynchronous steps that is the backlog the load left behind:");
        doc.table(List.of("step", "fan-out backlog drained after the mixed traffic", "posts in the mixed traffic"), settle);
    }

    /** Step 6's hits and misses per stage: /cache/stats (cumulative) was read before the stages and after each. */
    private void cacheByStage(Doc doc, StepRun s) {
        if (s.results.cache().size() < 2) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < s.results.cache().size(); i++) {
            CacheStats before = s.results.cache().get(i - 1).stats();
            CacheStats after = s.results.cache().get(i).stats();
            double hits = after.hits() - before.hits();
            double misses = after.misses() - before.misses();
            rows.add(List.of(s.results.cache().get(i).afterUsers() + " users", number(hits), number(misses),
                    percent(hits, hits + misses),
                    after.cachedFeeds() != null ? number(after.cachedFeeds()) : "- (not reported)",
                    number(after.redisFailures() - before.redisFailures()) + " / "
                            + number(after.redisCallsSkipped() - before.redisCallsSkipped())));
        }
        doc.paragraph("Step 6's cache during the stages (`GET /cache/stats` before the first stage and after each). Its Redis "
                + "database was flushed before the step started, so every user's first read is a miss that loads the list "
                + "from PostgreSQL; the script spreads reads over all " + String.format(Locale.ROOT, "%,d", facts.users() - 1)
                + " ordinary users, so the early stages are mostly misses:");
        doc.table(List.of("step 6, stage", "cache hits", "misses", "hit ratio", "feeds cached after it",
                "Redis failures / calls skipped (PostgreSQL answered)"), rows);
    }

    private void readsOnly(Doc doc) {
        if (steps.stream().noneMatch(s -> s.results.readsOnly() != null)) {
            return;
        }
        int users = knobs.readsOnlyUsers();
        doc.heading(2, "Reads only, every feed warm");
        doc.paragraph("After the mixed traffic has drained, every reader of the script reads their feed once (ten at a time, not "
                + "reported): step 6 then holds every timeline in Redis, and no post invalidates anything. Then the script's reads "
                + "alone, " + users + " users for " + knobs.stageSeconds() + " s, against `/ping` at the same concurrency"
                + (knobs.stages().contains(users) ? "" : " (not a stage of this run: no ceiling to compare with)") + ".");
        List<List<String>> rows = new ArrayList<>();
        double[][] chart = new double[1][steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            StepRun s = steps.get(i);
            RequestStats r = s.results.request(RequestName.readsOnly(users));
            double rps = s.readsOnlyThroughput();
            chart[0][i] = rps;
            rows.add(List.of(s.title(), r.count() == 0 ? "-" : number(rps), percent(rps, pingRps(users)),
                    r.count() == 0 ? "-" : ms(r, r.p50()) + " / " + ms(r, r.p95()) + " / " + ms(r, r.p99()), errors(r), s.readsOnlyCache()));
        }
        doc.table(List.of("step", "reads/s", "% of /ping @" + users + " users (" + number(pingRps(users)) + "/s)",
                "read p50 / p95 / p99 (ms)", "errors", "step 6: hits / misses during it"), rows);
        doc.chart(Charts.bars("Reads only @" + users + " users", "reads/s", steps.stream().map(s -> "step " + s.step).toList(),
                List.of("reads/s"), chart, false));
    }

    /**
     * Step 6's targets (the cache must pay), each against the other steps of the same run; shown
     * when the run has step 6, and for each target the steps it compares with.
     */
    private void cacheTargets(Doc doc) {
        StepRun six = step(6);
        if (six == null) {
            return;
        }
        StepRun one = step(1);
        StepRun two = step(2);
        List<List<String>> rows = new ArrayList<>();
        for (int stage : List.of(100, 1000)) {
            if (!knobs.stages().contains(stage)) {
                continue;
            }
            double reads = six.stageThroughput(stage)[0];
            if (two != null) {
                rows.add(target("mixed @" + stage + " users: reads/s >= 3x step 2's", reads, two.stageThroughput(stage)[0], 3, true));
            }
            if (one != null) {
                rows.add(target("mixed @" + stage + " users: reads/s >= 10x step 1's", reads, one.stageThroughput(stage)[0], 10, true));
            }
        }
        if (two != null && knobs.stages().contains(100)) {
            RequestStats mine = six.results.request(RequestName.readFeed(100));
            RequestStats theirs = two.results.request(RequestName.readFeed(100));
            rows.add(target("mixed @100 users: read p99 <= 1/3 of step 2's (ms)", mine.ok() == 0 ? Double.NaN : mine.p99(),
                    theirs.ok() == 0 ? Double.NaN : theirs.p99(), 1 / 3.0, false));
        }
        int users = knobs.readsOnlyUsers();
        if (six.results.readsOnly() != null && knobs.stages().contains(users)) {
            rows.add(target("reads only @" + users + " users: reads/s >= 0.5x /ping's", six.readsOnlyThroughput(), pingRps(users), 0.5, true));
        }
        if (!facts.authors().isEmpty()) {
            DataSetFacts.Author ordinary = facts.authors().get(0);
            RequestStats celebrity = six.results.request(RequestName.postByAuthorWith(facts.celebrityFollowers()));
            RequestStats author = six.results.request(RequestName.postByAuthorWith(ordinary.followers()));
            rows.add(target("celebrity POST p50 <= 1.5x an ordinary author's (" + ordinary.followers() + " followers; ms)",
                    celebrity.ok() == 0 ? Double.NaN : celebrity.p50(), author.ok() == 0 ? Double.NaN : author.p50(), 1.5, false));
        }
        double[] lastSeen = sorted(six.results.lags(), Lag::lastSeenMillis);
        double seen = lastSeen.length == 0 ? Double.NaN : median(lastSeen);
        rows.add(List.of("celebrity's tweet seen by every sampled follower <= 100 ms (median of the posts)",
                Double.isNaN(seen) ? "-" : number(seen) + " ms", "100 ms", Double.isNaN(seen) ? "-" : seen <= 100 ? "met" : "**missed**"));
        String memory = six.cacheStat("memory_per_cached_feed_bytes");
        rows.add(List.of("Redis memory per cached feed shown", memory == null ? "-" : memory + " bytes", "-", memory == null ? "**missing**" : "shown"));
        doc.heading(2, "Step 6's targets");
        doc.paragraph("Whether the cache pays in this run: each target of step 6 against the other steps (or /ping) of the same run.");
        doc.table(List.of("target", "step 6", "bound", "in this run"), rows);
    }

    /** One target row: step 6's value against {@code factor} times the other's; at least that if {@code atLeast}, at most otherwise. */
    private static List<String> target(String what, double mine, double theirs, double factor, boolean atLeast) {
        if (Double.isNaN(mine) || Double.isNaN(theirs) || theirs <= 0) {
            return List.of(what, Double.isNaN(mine) ? "-" : number(mine), "-", "-");
        }
        double ratio = mine / theirs;
        boolean met = atLeast ? mine >= factor * theirs : mine <= factor * theirs;
        return List.of(what, number(mine) + String.format(Locale.ROOT, " (%.2fx)", ratio), number(factor * theirs),
                met ? "met" : "**missed**");
    }

    private StepRun step(int n) {
        return steps.stream().filter(s -> s.step == n).findFirst().orElse(null);
    }

    private void writeCost(Doc doc) {
        doc.heading(2, "Write cost against follower count");
        doc.paragraph("Each author posts " + knobs.writePosts() + " times in a row, one request at a time, with no other load; after each "
                + "author the fan-out is left to finish (the time that took is the second table). Authors are picked from the seeded "
                + "graph by follower count.");
        List<DataSetFacts.Author> authors = facts.authors();
        List<String> header = new ArrayList<>(List.of("POST p50 / p95 (ms)"));
        authors.forEach(a -> header.add(a.followers() + " followers" + (a.followers() == facts.celebrityFollowers() ? " (all)" : "")));
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> drains = new ArrayList<>();
        double[][] chart = new double[steps.size()][authors.size()];
        for (int i = 0; i < steps.size(); i++) {
            StepRun s = steps.get(i);
            List<String> row = new ArrayList<>(List.of(s.title()));
            List<String> drain = new ArrayList<>(List.of(s.title()));
            for (int j = 0; j < authors.size(); j++) {
                DataSetFacts.Author a = authors.get(j);
                RequestStats r = s.results.request(RequestName.postByAuthorWith(a.followers()));
                row.add(r.count() == 0 ? "-" : ms(r, r.p50()) + " / " + ms(r, r.p95()) + errorsSuffix(r));
                chart[i][j] = msOrNaN(r, r.p50());
                Settled settled = s.results.afterAuthorPosts().get(a.followers());
                drain.add(s.step == 1 ? "-" : settled == null ? "?" : seconds(settled));
            }
            rows.add(row);
            drains.add(drain);
        }
        doc.table(header, rows);
        List<String> drainHeader = new ArrayList<>(List.of("fan-out still running after the last POST (s)"));
        drainHeader.addAll(header.subList(1, header.size()));
        doc.table(drainHeader, drains);
        doc.chart(Charts.lines("POST p50 against the author's follower count", "ms",
                authors.stream().map(a -> a.followers() + " followers").toList(),
                steps.stream().map(s -> "step " + s.step).toList(), chart, true));
    }

    private void fanOutLag(Doc doc) {
        doc.heading(2, "Fan-out lag of the celebrity");
        Map<String, String> storage = Records.ofKind(ceiling, "storage").stream().findFirst().orElse(Map.of());
        double storageRate = dbl(storage, "rowsPerSecond");
        doc.paragraph("The celebrity (" + String.format(Locale.ROOT, "%,d", facts.celebrityFollowers()) + " followers) posts " + knobs.lagPosts()
                + " times, each after the previous fan-out finished. Timed from just before the POST: until the first feed page of "
                + "the first and of the last of " + facts.lagSample().size() + " sampled followers shows the tweet (each polled through "
                + "the API by a user of its own, every 50 ms), and until PostgreSQL holds the row of every follower (steps 2-6). Median and worst of the posts. The fan-out rate is all "
                + "follower rows over the second time, and is given as a fraction of the storage ceiling ("
                + number(storageRate) + " rows/s).");
        List<List<String>> rows = new ArrayList<>();
        double[][] chart = new double[3][steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            StepRun s = steps.get(i);
            List<Lag> lags = s.results.lags();
            double[] post = sorted(lags, Lag::postMillis);
            double[] first = sorted(lags, Lag::firstSeenMillis);
            double[] api = sorted(lags, Lag::lastSeenMillis);
            double[] db = sorted(lags, Lag::allRowsMillis);
            long incomplete = lags.stream().filter(l -> !l.complete()).count();
            double rate = db.length == 0 ? Double.NaN : facts.celebrityFollowers() / (median(db) / 1000.0);
            chart[0][i] = post.length == 0 ? Double.NaN : median(post);
            chart[1][i] = api.length == 0 ? Double.NaN : median(api);
            chart[2][i] = db.length == 0 ? Double.NaN : median(db);
            rows.add(List.of(s.title(), medianMax(post), medianMax(first), medianMax(api),
                    s.step == 1 ? "- (no rows: read-time JOIN)" : medianMax(db),
                    Double.isNaN(rate) ? "-" : number(rate), Double.isNaN(rate) ? "-" : percent(rate, storageRate),
                    s.metricsLag(), incomplete == 0 ? String.valueOf(lags.size()) : lags.size() + " (" + incomplete + " timed out)"));
        }
        doc.table(List.of("step", "POST (ms)", "first sampled follower sees it (ms)", "last sampled follower sees it (ms)",
                "all follower rows in feed_items (ms)",
                "fan-out rows/s", "% of storage ceiling", "twitter_fanout_lag_seconds (steps 5-6)", "posts"), rows);
        doc.chart(Charts.bars("Celebrity post: POST and fan-out lag (median)", "ms", steps.stream().map(s -> "step " + s.step).toList(),
                List.of("POST", "last sampled follower sees it", "all rows in feed_items"), chart, true));
        doc.paragraph("Medians are shown as `median (max)`. The /metrics column is the histogram's change over these posts: batches "
                + "committed, their mean lag and the bucket that holds the 99th percentile (Prometheus resolution).");
        steps.stream().filter(s -> s.step == 6).findFirst().ifPresent(s -> doc.paragraph("Step 6's cache at the end of its run ("
                + "`GET /cache/stats`): " + s.cacheStats() + "."));
    }

    private void notes(Doc doc) {
        doc.heading(2, "How to read this");
        doc.bullets(List.of(
                "Gatling, the step and PostgreSQL/RabbitMQ/Redis share this machine's cores: throughput is what the box does with all "
                        + "of them competing, latencies at high concurrency are mostly queueing. Compare the steps with each other and "
                        + "with the ceilings measured in the same run, not with other machines.",
                "Steps 5 and 6 cap Tomcat at 64 threads and the connection pool at 16 (their application.yml); steps 1-4 run Spring "
                        + "Boot's defaults (200 threads, pool of 10). The /ping ceiling ran on " + runRecord(ceiling).getOrDefault("on", "?") + ".",
                "Posting is cheap where fan-out is deferred (steps 3-6): the POST returns before the followers' rows exist; the fan-out "
                        + "lag and the backlog tables show what that deferral costs.",
                "Step 1 writes no feed rows; its readers pay instead (the read latency tables). A follower sees the celebrity's tweet on "
                        + "the next read.",
                "Step 6's Redis timelines fill on first read (misses: see its cache table), so its early stages pay for loading them "
                        + "from PostgreSQL; that is what a cold cache costs, and it is left in on purpose.",
                "Every step is seeded with the same rows in one set-based transaction and `VACUUM ANALYZE`d, so no step starts with a "
                        + "different plan or a pending autovacuum. The mixed traffic is a fixed script that every stage replays from the top.",
                "Raw numbers: `compare/target/run/stepN/results.json` (what the simulation measured, Gatling's statistics by request "
                        + "name included) and `results.tsv` (the step's start and seeding); the Gatling reports hold the same response "
                        + "times with their distributions over time."));
    }

    // ------------------------------------------------------------------------------------------------

    private String stepList() {
        return steps.isEmpty() ? "no steps" : (steps.size() == 1 ? "step " : "steps ")
                + String.join(", ", steps.stream().map(s -> String.valueOf(s.step)).toList());
    }

    private double pingRps(int stage) {
        return perSecond(ping.request(RequestName.ping(stage)).count(), ping.stages().get(stage));
    }

    private static Map<String, String> runRecord(List<Map<String, String>> records) {
        return Records.ofKind(records, "run").stream().findFirst().orElse(Map.of());
    }

    static double perSecond(long requests, Window window) {
        return window == null || window.seconds() <= 0 ? 0 : requests / window.seconds();
    }

    static double dbl(Map<String, String> r, String key) {
        String v = r.get(key);
        return v == null || v.isEmpty() ? 0 : Double.parseDouble(v);
    }

    /** A latency of the successful responses, NaN (not drawn) if there were none. */
    static double msOrNaN(RequestStats r, int millis) {
        return r.ok() == 0 ? Double.NaN : millis;
    }

    static String ms(RequestStats r, int millis) {
        return r.ok() == 0 ? "-" : number(millis);
    }

    static String errors(RequestStats... stats) {
        double ko = 0;
        double all = 0;
        for (RequestStats r : stats) {
            ko += r.ko();
            all += r.count();
        }
        if (all == 0) {
            return "-";
        }
        return ko == 0 ? "0 errors" : String.format(Locale.ROOT, "**%,.0f errors (%.1f%%)**", ko, 100 * ko / all);
    }

    static String errorsSuffix(RequestStats r) {
        return r.ko() == 0 ? "" : String.format(Locale.ROOT, " (**%,d errors**)", r.ko());
    }

    static String number(double v) {
        if (v >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    static String percent(double part, double whole) {
        return whole <= 0 || Double.isNaN(part) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * part / whole);
    }

    static String seconds(Settled settled) {
        String s = String.format(Locale.ROOT, "%.1f s", settled.millis() / 1000.0);
        return settled.pending() > 0 ? s + " (**gave up, " + settled.pending() + " rows missing**)" : s;
    }

    static String duration(long seconds) {
        return seconds >= 60 ? String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60) : seconds + " s";
    }

    /** The lags' values of one kind, sorted, without those not measured (null) or not reached (negative). */
    static double[] sorted(List<Lag> lags, Function<Lag, Long> value) {
        return lags.stream().map(value).filter(v -> v != null && v >= 0).mapToDouble(Long::doubleValue).sorted().toArray();
    }

    static double median(double[] sorted) {
        return sorted[(sorted.length - 1) / 2];
    }

    static String medianMax(double[] sorted) {
        return sorted.length == 0 ? "-" : number(median(sorted)) + " (" + number(sorted[sorted.length - 1]) + ")";
    }

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            }
        }
        return p;
    }

    /** One step's measurements. */
    private final class StepRun {

        final int step;
        final Path dir;
        /** compare.sh's and the seeder's records. */
        final List<Map<String, String>> records;
        final SimulationResults results;

        StepRun(int step, Path dir) {
            this.step = step;
            this.dir = dir;
            this.records = Records.read(dir.resolve("results.tsv"));
            this.results = SimulationResults.read(dir);
        }

        String title() {
            return step + " " + STEPS.get(step)[0];
        }

        Map<String, String> run() {
            return runRecord(records);
        }

        String status() {
            Map<String, String> r = run();
            return r.getOrDefault("status", "not run");
        }

        /** Reads/s and posts/s of a stage, both over the stage's wall time. */
        double[] stageThroughput(int stage) {
            Window window = results.stages().get(stage);
            return new double[] {perSecond(results.request(RequestName.readFeed(stage)).count(), window),
                    perSecond(results.request(RequestName.postTweet(stage)).count(), window)};
        }

        double readsOnlyThroughput() {
            SimulationResults.ReadsOnly r = results.readsOnly();
            return r == null ? 0 : perSecond(results.request(RequestName.readsOnly(r.users())).count(), r.window());
        }

        /** Step 6: the hits and misses of the reads-only stage (the other steps: -). */
        String readsOnlyCache() {
            SimulationResults.ReadsOnly r = results.readsOnly();
            if (r == null || r.cacheBefore() == null || r.cacheAfter() == null) {
                return "-";
            }
            return number(r.cacheAfter().hits() - r.cacheBefore().hits()) + " / " + number(r.cacheAfter().misses() - r.cacheBefore().misses());
        }

        /** One number of step 6's /cache/stats at the end of its run, or null. */
        String cacheStat(String name) {
            try {
                JsonNode json = cacheStatsJson();
                JsonNode value = json == null ? null : json.get(name);
                return value == null || !value.isNumber() ? null : number(value.doubleValue());
            } catch (IOException e) {
                return null;
            }
        }

        /** Step 6's /cache/stats answer at the end of its run, as the simulation saved it; null if it saved none. */
        private JsonNode cacheStatsJson() throws IOException {
            Path file = dir.resolve("cache-stats.json");
            return Files.exists(file) ? new ObjectMapper().readTree(file.toFile()) : null;
        }

        String lagSummary() {
            if (step == 1) {
                double[] api = sorted(results.lags(), Lag::lastSeenMillis);
                return api.length == 0 ? "-" : "- (seen after " + number(median(api)) + ")";
            }
            double[] db = sorted(results.lags(), Lag::allRowsMillis);
            return db.length == 0 ? "-" : number(median(db));
        }

        String metricsLag() {
            try {
                Path before = dir.resolve("metrics-before.txt");
                Path after = dir.resolve("metrics-after.txt");
                if (!Files.exists(before) || !Files.exists(after)) {
                    return "-";
                }
                PrometheusText.Histogram h = PrometheusText.histogram(Files.readString(after), "twitter_fanout_lag_seconds")
                        .minus(PrometheusText.histogram(Files.readString(before), "twitter_fanout_lag_seconds"));
                if (h.count() == 0) {
                    return "no batches recorded";
                }
                return String.format(Locale.ROOT, "%.0f batches, mean %s ms, p99 <= %s ms", h.count(), number(h.mean() * 1000),
                        number(h.quantileUpperBound(0.99) * 1000));
            } catch (IOException e) {
                return "unreadable: " + e.getMessage();
            }
        }

        /** Step 6's whole /cache/stats answer at the end of its run: its numbers, by name. */
        String cacheStats() {
            try {
                JsonNode json = cacheStatsJson();
                if (json == null) {
                    return "not read";
                }
                List<String> numbers = json.properties().stream().filter(e -> e.getValue().isNumber())
                        .map(e -> e.getKey().replace('_', ' ') + " " + number(e.getValue().doubleValue())).toList();
                return numbers.isEmpty() ? Files.readString(dir.resolve("cache-stats.json")).strip() : String.join(", ", numbers);
            } catch (IOException e) {
                return "unreadable: " + e.getMessage();
            }
        }
    }
}
