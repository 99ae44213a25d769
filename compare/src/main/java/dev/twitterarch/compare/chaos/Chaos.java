package dev.twitterarch.compare.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import dev.twitterarch.compare.Knobs;
import dev.twitterarch.compare.Postgres;
import dev.twitterarch.compare.dataset.DataSetFacts;
import dev.twitterarch.compare.dataset.DataSetLoader;
import dev.twitterarch.compare.seed.StepSeeder;

/**
 * The chaos suite (chaos.sh runs it): each scenario on each step, on a fresh schema, fresh queues
 * and the compare data set; a fault while traffic runs; then, once fan-out has quiesced, a check
 * by SQL that every acknowledged tweet has exactly one feed row per follower and none elsewhere,
 * and one line of figures. Exits 1 if any line FAILs.
 *
 * <p>The steps reach PostgreSQL and RabbitMQ through {@link ServiceProxy}s, so a "restart" cuts the
 * proxy and the shared servers never notice; step 6's Redis is a private redis-server that is
 * really stopped. With {@code chaos.realRestarts=true} the real services are restarted instead
 * (a dedicated machine only).
 */
public final class Chaos {

    static final List<String> SCENARIOS = List.of("broker", "postgres", "redis", "kill-worker", "load");
    private static final Map<String, Set<Integer>> APPLIES = Map.of(
            "broker", Set.of(3, 4, 5, 6), "postgres", Set.of(1, 2, 3, 4, 5, 6), "redis", Set.of(6),
            "kill-worker", Set.of(3, 4, 5, 6), "load", Set.of(1, 2, 3, 4, 5, 6));
    private static final Map<Integer, String> MODULES = Map.of(1, "step1-basic", 2, "step2-precomputed", 3, "step3-async",
            4, "step4-multiconsumer", 5, "step5-production", 6, "step6-cached");

    private final Knobs knobs = Knobs.fromSystemProperties();
    private final Path jars = Path.of(setting("jars", "compare/target/chaos/jars"));
    private final Path logs = knobs.workDir().resolve("logs");
    private final String runId = setting("runId", Long.toString(System.currentTimeMillis()));
    private final boolean realRestarts = Boolean.parseBoolean(setting("realRestarts", "false"));
    private final int outageSeconds = Integer.parseInt(setting("outageSeconds", "8"));
    private final int loadClients = Integer.parseInt(setting("loadClients", "1000"));
    private final int loadSeconds = Integer.parseInt(setting("loadSeconds", "60"));
    private final Duration settleTimeout = Duration.ofSeconds(Integer.parseInt(setting("settleTimeoutSeconds", "180")));
    /** Step 4's one message per follower: a minute of load leaves a backlog of some 250,000 messages to drain. */
    private final Duration loadSettleTimeout = Duration.ofSeconds(Integer.parseInt(setting("loadSettleTimeoutSeconds", "900")));
    private final int redisPort = Integer.parseInt(setting("redisPort", "8199"));
    private final int portBase = Integer.parseInt(setting("portBase", "8110"));
    private final List<String> apiJvm = List.of(setting("apiJvmOpts", "-Xms256m -Xmx512m").split("\\s+"));
    private final List<String> workerJvm = List.of(setting("workerJvmOpts", "-Xms128m -Xmx384m -XX:TieredStopAtLevel=1").split("\\s+"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newCachedThreadPool(r -> {
                Thread thread = new Thread(r, "http");
                thread.setDaemon(true);
                return thread;
            })).build();
    private final URI database = URI.create(knobs.jdbcUrl().substring("jdbc:".length()));
    private ServiceProxy postgresProxy;
    private ServiceProxy rabbitProxy;
    private DataSetFacts facts;

    public static void main(String[] args) throws Exception {
        List<String> scenarios = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        for (String arg : args) {
            if (arg.matches("[1-6]")) {
                steps.add(Integer.parseInt(arg));
            } else if (SCENARIOS.contains(arg)) {
                scenarios.add(arg);
            } else {
                System.err.println("unknown argument: " + arg + " (scenarios " + SCENARIOS + ", steps 1-6)");
                System.exit(2);
            }
        }
        if (scenarios.isEmpty()) {
            scenarios.addAll(SCENARIOS);
        }
        if (steps.isEmpty()) {
            steps.addAll(List.of(1, 2, 3, 4, 5, 6));
        }
        System.exit(new Chaos().run(scenarios, steps) ? 0 : 1);
    }

    private boolean run(List<String> scenarios, List<Integer> steps) throws Exception {
        Files.createDirectories(logs);
        try (Connection db = connect()) {
            facts = DataSetLoader.load(knobs, db, Instant.now());
        }
        System.out.printf("data set: %d users, %d follows, %d tweets; the celebrity has %d followers%n",
                facts.users(), facts.follows(), facts.tweets(), facts.celebrityFollowers());
        List<Figures> all = new ArrayList<>();
        postgresProxy = new ServiceProxy("postgres", database.getHost(), database.getPort() < 0 ? 5432 : database.getPort());
        rabbitProxy = new ServiceProxy("rabbitmq", setting("rabbitHost", "127.0.0.1"), Integer.parseInt(setting("rabbitPort", "5672")));
        try {
            for (String scenario : scenarios) {
                for (int step : steps) {
                    if (!APPLIES.get(scenario).contains(step)) {
                        continue;
                    }
                    System.out.printf("%n== %s, step %d (%s)%n", scenario, step, Instant.now());
                    Figures figures;
                    try {
                        figures = scenario(scenario, step);
                    } catch (Exception e) {
                        e.printStackTrace(System.out);
                        figures = new Figures(scenario, step, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, "did not run: " + e.getMessage().lines().findFirst().orElse(""));
                    }
                    all.add(figures);
                    System.out.println("RESULT " + figures.line());
                }
            }
        } finally {
            postgresProxy.close();
            rabbitProxy.close();
        }
        Path table = knobs.workDir().resolve("figures.md");
        List<String> rows = new ArrayList<>(List.of(Figures.MARKDOWN_HEADER));
        all.forEach(f -> rows.add(f.markdownRow()));
        Files.write(table, rows);
        System.out.println();
        all.forEach(f -> System.out.println(f.line()));
        System.out.println("figures table: " + table);
        return all.stream().allMatch(Figures::passed);
    }

    /** One scenario on one step: start, seed, fault under traffic, quiesce, check, stop. */
    private Figures scenario(String scenario, int step) throws Exception {
        String schema = "chaos_step" + step;
        String prefix = "chaos-" + runId + "-" + scenario + "-step" + step;
        int port = portBase + step;
        boolean separateWorker = step >= 3;
        boolean fanOutCelebrity = scenario.equals("kill-worker"); // the big fan-out is the point there
        Path dir = logs.resolve(scenario + "-step" + step);
        Files.createDirectories(dir);
        postgresProxy.restore();
        rabbitProxy.restore();
        RedisServer redis = step == 6 ? RedisServer.start(realRestarts ? 6379 : redisPort, realRestarts, dir) : null;

        List<String> common = new ArrayList<>(List.of(
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + postgresPort() + database.getPath(),
                "--spring.datasource.username=" + knobs.jdbcUser(), "--spring.datasource.password=" + knobs.jdbcPassword(),
                "--twitter.schema=" + schema, "--twitter.auth.trust-user-header=true", "--twitter.messaging.prefix=" + prefix,
                "--spring.rabbitmq.host=127.0.0.1", "--spring.rabbitmq.port=" + rabbitPort(), "--spring.main.banner-mode=off"));
        if (step == 6) {
            common.add("--spring.data.redis.port=" + redis.port());
            common.add("--spring.data.redis.database=" + setting("redisDatabase", realRestarts ? "11" : "0"));
            common.add("--twitter.feed.celebrity-threshold=" + StepSeeder.CELEBRITY_THRESHOLD);
        }
        List<String> api = new ArrayList<>(common);
        api.addAll(List.of("--server.port=" + port, "--twitter.reset-on-start=true", "--spring.datasource.hikari.maximum-pool-size="
                + setting("apiPool", "10"), "--spring.datasource.hikari.data-source-properties.ApplicationName=chaos-api-step" + step));
        if (separateWorker) {
            api.add("--twitter.messaging.role=api");
        }
        Path jar = jars.resolve(MODULES.get(step) + "-0.1.0-SNAPSHOT-exec.jar");
        URI base = URI.create("http://127.0.0.1:" + port);
        List<StepProcess> workers = new ArrayList<>();
        StepProcess apiProcess = StepProcess.start("step" + step + "-api", jar, apiJvm, api, dir.resolve("api.log"));
        try {
            apiProcess.awaitHttp(http, base.resolve("/ping"), Duration.ofSeconds(240));
            try (Connection db = connect()) {
                StepSeeder.Seeded seeded = StepSeeder.seed(db, schema, step >= 2);
                System.out.printf("   step %d up, seeded: %d users, %d tweets, %d feed rows%n", step, seeded.users(), seeded.tweets(), seeded.feedRows());
            }
            List<String> worker = new ArrayList<>(common);
            worker.addAll(List.of("--twitter.messaging.role=worker", "--twitter.reset-on-start=false",
                    "--spring.datasource.hikari.maximum-pool-size=" + setting("workerPool", "6"),
                    "--spring.datasource.hikari.data-source-properties.ApplicationName=chaos-worker-step" + step));
            if (separateWorker) {
                workers.add(startWorker(step, jar, worker, dir, 1));
            }
            Fault fault = switch (scenario) {
                case "broker" -> realRestarts ? Fault.command("RabbitMQ", List.of("rabbitmqctl", "stop_app"), List.of("rabbitmqctl", "start_app"),
                        List.of("rabbitmq-diagnostics", "-q", "check_running")) : Fault.proxy(rabbitProxy);
                case "postgres" -> realRestarts ? Fault.command("PostgreSQL",
                        List.of("pg_ctlcluster", "--skip-systemctl-redirect", setting("pgVersion", "15"), "main", "stop", "-m", "fast"),
                        List.of("pg_ctlcluster", "--skip-systemctl-redirect", setting("pgVersion", "15"), "main", "start"),
                        List.of("pg_isready", "-h", "127.0.0.1", "-q")) : Fault.proxy(postgresProxy);
                case "redis" -> redis.fault();
                default -> null;
            };
            Map<Long, Long> acknowledged = new ConcurrentHashMap<>();
            String marker = "chaos " + scenario + " " + runId + " #";
            long[] window = new long[2];
            String note = "";
            try (DeliveryWatch watch = step >= 2 ? new DeliveryWatch(this::connect, schema, acknowledged, () -> declaredLost(dir)) : null) {
                java.util.function.LongConsumer onAck = watch == null ? id -> { } : watch::acknowledged;
                Traffic traffic;
                switch (scenario) {
                    case "broker", "postgres", "redis" -> {
                        // broker: a burst of posts (every 10th by the big author); the others: mixed traffic, 3 reads per post
                        int reads = scenario.equals("broker") ? 0 : 3;
                        traffic = new Traffic(http, base, marker, mix(schema, reads, false), 20, acknowledged, onAck).start(6, step);
                        awaitAcknowledged(acknowledged, 20, Duration.ofSeconds(60));
                        Traffic.sleep(3000); // traffic before the fault
                        window[0] = System.nanoTime();
                        fault.down();
                        System.out.printf("   %s down for %d s (%d acknowledged so far)%n", fault.name(), outageSeconds, acknowledged.size());
                        Traffic.sleep(outageSeconds * 1000L);
                        fault.up();
                        window[1] = System.nanoTime();
                        System.out.printf("   %s back (%d acknowledged so far)%n", fault.name(), acknowledged.size());
                        awaitAcknowledgedMore(acknowledged, 20, Duration.ofSeconds(90));
                        Traffic.sleep(3000); // traffic after it
                        traffic.stop();
                    }
                    case "kill-worker" -> {
                        traffic = new Traffic(http, base, marker, mix(schema, 3, false), 50, acknowledged, onAck).start(2, step);
                        long author = bigAuthor(schema);
                        int followers = followerCount(schema, author);
                        int posts = Integer.parseInt(setting("killPosts", "10"));
                        Map<Long, Long> bursts = new ConcurrentHashMap<>();
                        Traffic big = new Traffic(http, base, marker, mix(schema, 0, false), 0, bursts, id -> {
                            acknowledged.put(id, author);
                            onAck.accept(id);
                        });
                        System.out.printf("   user %d (%d followers) posts %d tweets; the worker (pid %d) is killed mid fan-out%n",
                                author, followers, posts, workers.get(0).pid());
                        for (int i = 0; i < posts; i++) {
                            big.post(author, big.nextPostNumber() + 1_000_000);
                        }
                        long delivered = awaitPartialFanOut(schema, author, bursts.keySet(), (long) followers * bursts.size(), Duration.ofSeconds(30));
                        window[0] = System.nanoTime();
                        workers.get(0).kill();
                        System.out.printf("   kill -9 at %d of %d follower rows%n", delivered, (long) followers * bursts.size());
                        if (delivered == 0 || delivered >= (long) followers * bursts.size()) {
                            note = "the kill came " + (delivered == 0 ? "before" : "after") + " the fan-out";
                        }
                        Traffic.sleep(3000);
                        workers.add(startWorker(step, jar, worker, dir, 2));
                        window[1] = System.nanoTime();
                        Traffic.sleep(3000);
                        traffic.stop();
                    }
                    case "load" -> {
                        traffic = new Traffic(http, base, marker, mix(schema, 10, true), 0, acknowledged, onAck).start(loadClients, step);
                        window[0] = System.nanoTime();
                        System.out.printf("   %d clients for %d s%n", loadClients, loadSeconds);
                        for (int s = 10; s <= loadSeconds; s += 10) {
                            Traffic.sleep(10_000);
                            System.out.printf("   %d s: %d requests, %d acknowledged, %d 5xx, %d connection errors%n", s, traffic.requests(),
                                    acknowledged.size(), traffic.failures().size(), traffic.ioErrors());
                        }
                        traffic.stop();
                        window[1] = System.nanoTime();
                    }
                    default -> throw new IllegalArgumentException(scenario);
                }
                if (watch != null) {
                    watch.alsoAwait(storedWithoutAck(schema, marker, acknowledged));
                }
                Duration settle = scenario.equals("load") ? loadSettleTimeout : settleTimeout;
                boolean quiet = watch == null || watch.awaitQuiet(settle);
                if (!quiet) {
                    note = (note.isEmpty() ? "" : note + "; ") + "fan-out did not quiesce within " + settle.toSeconds() + " s";
                }
                FeedCheck.Result result;
                try (Connection db = connect()) {
                    result = new FeedCheck(db, schema).check(acknowledged, marker, declaredLost(dir));
                }
                long[] viaApi = celebrityTweetsThroughApi(traffic, schema, acknowledged);
                long outage5xx = 0;
                long other5xx = 0;
                long http500 = 0;
                for (Traffic.Failure failure : traffic.failures()) {
                    if (failure.status() == 500) {
                        http500++;
                    }
                    if (failure.sentNanos() <= window[1] && failure.answeredNanos() >= window[0]) {
                        outage5xx++;
                    } else {
                        other5xx++;
                    }
                }
                List<String> notes = new ArrayList<>();
                if (!note.isEmpty()) {
                    notes.add(note);
                }
                notes.add(traffic.requests() + " requests");
                if (traffic.ioErrors() > 0) {
                    notes.add(traffic.ioErrors() + " connection errors");
                }
                if (result.unacknowledgedStored() > 0) {
                    notes.add(result.unacknowledgedStored() + " tweets stored without a 201");
                }
                if (viaApi[2] > 0) {
                    notes.add(viaApi[2] + " celebrity tweets checked in " + viaApi[3] + " followers' feeds through the API");
                }
                long restarts = workers.stream().mapToLong(w -> w.count("Started ")).sum();
                if (scenario.equals("kill-worker")) {
                    notes.add("worker restarted " + (restarts - 1) + " time(s)");
                }
                return new Figures(scenario, step, acknowledged.size(), result.lost() + viaApi[0], result.duplicate() + viaApi[1],
                        result.stray(), result.orphaned(), result.declared(), outage5xx, http500, other5xx,
                        watch == null ? -1 : watch.longestLagMillis(), String.join("; ", notes));
            }
        } finally {
            for (StepProcess w : workers) {
                w.close();
            }
            apiProcess.close();
            if (redis != null) {
                redis.close();
            }
            postgresProxy.restore();
            rabbitProxy.restore();
        }
    }

    private StepProcess startWorker(int step, Path jar, List<String> arguments, Path dir, int n) {
        return StepProcess.start("step" + step + "-worker-" + n, jar, workerJvm, arguments, dir.resolve("worker-" + n + ".log"))
                .awaitLog("consuming ", Duration.ofSeconds(240));
    }

    /**
     * Step 6 merges a celebrity's tweets into followers' pages at read time, so they have no feed
     * rows to count: read a sample of followers' feeds through the API instead. Returns missing,
     * duplicated, tweets checked, feeds read.
     */
    private long[] celebrityTweetsThroughApi(Traffic traffic, String schema, Map<Long, Long> acknowledged) throws Exception {
        Map<Long, Set<Long>> byCelebrity = new HashMap<>();
        try (Connection db = connect()) {
            FeedCheck check = new FeedCheck(db, schema);
            Set<Long> celebrities = check.celebritiesAmong(new HashSet<>(acknowledged.values()));
            acknowledged.forEach((id, author) -> {
                if (celebrities.contains(author)) {
                    byCelebrity.computeIfAbsent(author, a -> new HashSet<>()).add(id);
                }
            });
        }
        long missing = 0;
        long duplicated = 0;
        long tweets = 0;
        long feeds = 0;
        for (Map.Entry<Long, Set<Long>> celebrity : byCelebrity.entrySet()) {
            long oldest = celebrity.getValue().stream().mapToLong(Long::longValue).min().orElseThrow();
            tweets += celebrity.getValue().size();
            for (long reader : sampleFollowers(schema, celebrity.getKey(), 10)) {
                feeds++;
                Map<Long, Integer> seen = new HashMap<>();
                for (long id : traffic.feedIds(reader, oldest)) {
                    seen.merge(id, 1, Integer::sum);
                }
                for (long id : celebrity.getValue()) {
                    int times = seen.getOrDefault(id, 0);
                    missing += times == 0 ? 1 : 0;
                    duplicated += Math.max(0, times - 1);
                }
            }
        }
        return new long[] {missing, duplicated, tweets, feeds};
    }

    /** Seeded users who post and read; {@code celebrity}: the celebrity posts now and then too (step 6 merges it at read). */
    private Traffic.Mix mix(String schema, int readsPerPost, boolean celebrity) throws SQLException {
        List<Long> users = new ArrayList<>();
        try (Connection db = connect(); Statement sql = db.createStatement();
             ResultSet rs = sql.executeQuery("SELECT id FROM " + Postgres.schema(schema) + ".users WHERE id <> " + facts.celebrityId() + " ORDER BY id")) {
            while (rs.next()) {
                users.add(rs.getLong(1));
            }
        }
        Map<Long, Integer> every = new LinkedHashMap<>();
        every.put(bigAuthor(schema), 10);
        if (celebrity) {
            every.put(facts.celebrityId(), 97);
        }
        return new Traffic.Mix(readsPerPost, users, every);
    }

    private static final java.util.regex.Pattern DECLARED = java.util.regex.Pattern.compile("fan-out lost: TweetPosted\\[tweetId=(\\d+)");

    /**
     * The tweets whose fan-out the step's processes counted and logged as lost (steps 3 and 4 have
     * no outbox: an event between commit and confirm dies with the broker connection).
     */
    static Set<Long> declaredLost(Path dir) {
        Set<Long> ids = new HashSet<>();
        try (var files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                    lines.filter(line -> line.contains("fan-out lost: ")).forEach(line -> {
                        var m = DECLARED.matcher(line);
                        if (m.find()) {
                            ids.add(Long.parseLong(m.group(1)));
                        }
                    });
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the logs in " + dir, e);
        }
        return ids;
    }

    /** The scenario's tweets that are stored although their post got no 201: id to author. */
    private Map<Long, Long> storedWithoutAck(String schema, String marker, Map<Long, Long> acknowledged) throws SQLException {
        Map<Long, Long> stored = new HashMap<>();
        try (Connection db = connect(); PreparedStatement q = db.prepareStatement("SELECT id, user_id FROM " + Postgres.schema(schema)
                + ".tweets WHERE content LIKE ?")) {
            q.setString(1, FeedCheck.like(marker));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    if (!acknowledged.containsKey(rs.getLong(1))) {
                        stored.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
        }
        return stored;
    }

    /** The most followed author whose tweets are fanned out (on step 6: not a celebrity). */
    private long bigAuthor(String schema) throws SQLException {
        String s = Postgres.schema(schema);
        try (Connection db = connect(); Statement sql = db.createStatement()) {
            boolean celebrities;
            try (ResultSet rs = sql.executeQuery("SELECT to_regclass('" + s + ".celebrities') IS NOT NULL")) {
                rs.next();
                celebrities = rs.getBoolean(1);
            }
            try (ResultSet rs = sql.executeQuery("SELECT user_id FROM " + s + ".followers WHERE user_id <> " + facts.celebrityId()
                    + (celebrities ? " AND user_id NOT IN (SELECT user_id FROM " + s + ".celebrities)" : "")
                    + " GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private int followerCount(String schema, long author) throws SQLException {
        try (Connection db = connect(); Statement sql = db.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*) FROM " + Postgres.schema(schema) + ".followers WHERE user_id = " + author)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private List<Long> sampleFollowers(String schema, long author, int count) throws SQLException {
        List<Long> sample = new ArrayList<>();
        try (Connection db = connect(); Statement sql = db.createStatement();
             ResultSet rs = sql.executeQuery("SELECT follower_id FROM " + Postgres.schema(schema) + ".followers WHERE user_id = " + author
                     + " ORDER BY hashint8(follower_id) LIMIT " + count)) {
            while (rs.next()) {
                sample.add(rs.getLong(1));
            }
        }
        return sample;
    }

    /** Waits until the big author's follower rows are partly written (neither none nor all); the count then. */
    private long awaitPartialFanOut(String schema, long author, Set<Long> tweets, long expected, Duration timeout) throws SQLException {
        String s = Postgres.schema(schema);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection db = connect(); PreparedStatement q = db.prepareStatement("SELECT count(*) FROM " + s + ".followers fo JOIN " + s
                + ".feed_items fi ON fi.user_id = fo.follower_id AND fi.tweet_id = ANY (?::bigint[]) WHERE fo.user_id = ?")) {
            q.setArray(1, db.createArrayOf("bigint", tweets.toArray()));
            q.setLong(2, author);
            while (true) {
                long delivered;
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    delivered = rs.getLong(1);
                }
                if (delivered > 0 || System.nanoTime() > deadline) {
                    return delivered;
                }
                Traffic.sleep(20);
            }
        }
    }

    private static void awaitAcknowledged(Map<Long, Long> acknowledged, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fewer than " + count + " posts acknowledged within " + timeout.toSeconds() + " s");
            }
            Traffic.sleep(50);
        }
    }

    /** After the fault: waits until {@code count} more posts have been acknowledged, so the step is serving again. */
    private static void awaitAcknowledgedMore(Map<Long, Long> acknowledged, int count, Duration timeout) {
        int before = acknowledged.size();
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        while (acknowledged.size() < before + count) {
            if (System.nanoTime() > deadline) {
                System.out.printf("   the step acknowledged fewer than %d posts within %d s of the fault's end%n", count, timeout.toSeconds());
                return;
            }
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.printf("   waiting for the step to acknowledge posts again (%d since the fault ended)%n", acknowledged.size() - before);
            }
            Traffic.sleep(50);
        }
    }

    private int postgresPort() {
        return realRestarts ? (database.getPort() < 0 ? 5432 : database.getPort()) : postgresProxy.port();
    }

    private int rabbitPort() {
        return realRestarts ? Integer.parseInt(setting("rabbitPort", "5672")) : rabbitProxy.port();
    }

    private Connection connect() {
        return Postgres.connect(knobs);
    }

    static String setting(String name, String fallback) {
        String value = System.getProperty("chaos." + name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** How a scenario takes a service away and gives it back. */
    interface Fault {
        String name();

        void down() throws Exception;

        void up() throws Exception;

        static Fault proxy(ServiceProxy proxy) {
            return new Fault() {
                public String name() {
                    return proxy.name() + " (proxy)";
                }

                public void down() {
                    proxy.refuse();
                }

                public void up() {
                    proxy.restore();
                }
            };
        }

        /** A real restart: stop, (the outage), start, then wait until {@code ready} succeeds. */
        static Fault command(String name, List<String> stop, List<String> start, List<String> ready) {
            return new Fault() {
                public String name() {
                    return name + " (real restart)";
                }

                public void down() throws Exception {
                    RedisServer.exec(stop, Duration.ofSeconds(120));
                }

                public void up() throws Exception {
                    RedisServer.exec(start, Duration.ofSeconds(120));
                    RedisServer.awaitCommand(ready, Duration.ofSeconds(120));
                }
            };
        }
    }

}
