package dev.twitterarch.common.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * Finds the services the tests run against, once per JVM, in this order:
 * <ol>
 *   <li>addresses given in environment variables ({@code TWITTER_TEST_POSTGRES_URL}, a JDBC URL of
 *       a server where the tests may create databases, with {@code TWITTER_TEST_POSTGRES_USER} and
 *       {@code TWITTER_TEST_POSTGRES_PASSWORD});</li>
 *   <li>Testcontainers, when a Docker engine is available;</li>
 *   <li>the local services on their default ports.</li>
 * </ol>
 * If none answers, the run fails at once and says how to start them, once: the first failure to
 * reach a service is remembered, and every later context that needs it fails with one line that
 * points back to it (a module's test run would otherwise print the whole message, and try the
 * unreachable address again, for every test class). Each JVM (each module's test run) creates a
 * database of its own and drops it at exit, so tests never touch a demo's data.
 */
public final class TestServices {

    private static final String HOW_TO_START = """
            Start the services the tests need, in one of these ways:
              - docker compose up -d                (from the repository root, with a Docker engine)
              - local services (what .ci/run does):  pg_ctlcluster $(ls /etc/postgresql) main start
                                                      rabbitmq-server -detached
                                                      rabbitmq-plugins enable rabbitmq_consistent_hash_exchange
                                                      redis-server --daemonize yes
              - or point the tests at servers:      TWITTER_TEST_POSTGRES_URL=jdbc:postgresql://host:5432/postgres
                                                      TWITTER_TEST_RABBITMQ_HOST=host (and _PORT)
                                                      TWITTER_TEST_REDIS_HOST=host (and _PORT)""";

    private static Database postgres;
    private static Broker rabbitmq;
    /** Queue prefixes handed out in this JVM, one per application context, deleted at exit. */
    private static final java.util.List<String> QUEUE_PREFIXES = new java.util.concurrent.CopyOnWriteArrayList<>();

    private TestServices() {
    }

    /** The first failure to reach each service in this JVM, by service name. */
    private static final java.util.Map<String, RuntimeException> UNREACHABLE = new java.util.concurrent.ConcurrentHashMap<>();

    /** A service that did not answer before in this JVM: one line, no stack trace, the full story is in the first failure. */
    static final class StillUnreachable extends RuntimeException {
        StillUnreachable(String service, RuntimeException first) {
            super(unreachable(service, first), null, false, false);
        }
    }

    private static String unreachable(String service, RuntimeException first) {
        return service + " was not reached earlier in this test run: " + first.getMessage().lines().findFirst().orElse("")
                + " (the first failure says how to start it)";
    }

    /**
     * One line naming the service this JVM could not reach, or null while none failed: {@link
     * SkipWhenServicesUnreachable} skips every later application test with it.
     */
    static String unreachable() {
        return UNREACHABLE.entrySet().stream().findFirst().map(first -> unreachable(first.getKey(), first.getValue())).orElse(null);
    }

    /** Resolves a service once: a failure is remembered and rethrown, in one line, to every later caller. */
    private static <T> T resolveOnce(String service, java.util.function.Supplier<T> resolve) {
        RuntimeException first = UNREACHABLE.get(service);
        if (first != null) {
            throw new StillUnreachable(service, first);
        }
        try {
            return resolve.get();
        } catch (RuntimeException e) {
            UNREACHABLE.put(service, e);
            throw e;
        }
    }

    /**
     * Adds the resolved services to a Spring test context; call it from a {@code @DynamicPropertySource}
     * (Spring calls that once per application context it builds). Each context gets queues of its
     * own: two cached contexts never consume each other's messages, and no test touches a demo's queues.
     * The application trusts {@code X-User-ID} ({@code twitter.auth.trust-user-header=true}), which
     * {@link ApiClient} sends unless it is in token mode.
     */
    public static void register(DynamicPropertyRegistry registry) {
        String queuePrefix = newQueuePrefix();
        registerDatabase(registry, TestServices::postgres);
        // the tests act through X-User-ID, as the original API did; TokenFeedContract turns it off and logs in
        registry.add("twitter.auth.trust-user-header", () -> "true");
        // suppliers: resolved only if the application reads them, so steps 1-2 need no broker
        registry.add("spring.rabbitmq.host", () -> rabbitmq().host());
        registry.add("spring.rabbitmq.port", () -> rabbitmq().port());
        registry.add("spring.rabbitmq.username", () -> rabbitmq().username());
        registry.add("spring.rabbitmq.password", () -> rabbitmq().password());
        registry.add("twitter.messaging.prefix", () -> queuePrefix);
        registry.add("spring.data.redis.host", () -> redis().host());
        registry.add("spring.data.redis.port", () -> redis().port());
        registry.add("spring.data.redis.database", () -> TEST_REDIS_DATABASE);
    }

    /** Points the context's datasource at a database, resolved only when the application reads it. */
    public static void registerDatabase(DynamicPropertyRegistry registry, java.util.function.Supplier<Database> database) {
        // a module's test JVM caches several application contexts, each with its pool, next to worker
        // processes with theirs: idle pools keep one connection, so PostgreSQL's 100 are never all taken
        registry.add("spring.datasource.hikari.minimum-idle", () -> 1);
        registry.add("spring.datasource.hikari.idle-timeout", () -> 10_000); // milliseconds
        registry.add("spring.datasource.url", () -> database.get().url());
        registry.add("spring.datasource.username", () -> database.get().user());
        registry.add("spring.datasource.password", () -> database.get().password());
    }

    /** Redis keyspace of the tests (the demos use 0; TWITTER_TEST_REDIS_DATABASE picks another); emptied when first resolved. */
    public static final int TEST_REDIS_DATABASE = Integer.parseInt(env("TWITTER_TEST_REDIS_DATABASE", "9"));

    public record Cache(String host, int port, String source) {
    }

    private static Cache redis;

    /** Redis, with the tests' keyspace emptied once per JVM. */
    public static synchronized Cache redis() {
        if (redis == null) {
            redis = resolveOnce("Redis", () -> {
                Cache cache = resolveRedis();
                try (var jedis = new redis.clients.jedis.Jedis(cache.host(), cache.port(), 2_000)) {
                    jedis.select(TEST_REDIS_DATABASE);
                    jedis.flushDB();
                }
                return cache;
            });
        }
        return redis;
    }

    private static Cache resolveRedis() {
        String host = System.getenv("TWITTER_TEST_REDIS_HOST");
        if (host != null && !host.isBlank()) {
            return requireAnswers(new Cache(host, Integer.parseInt(env("TWITTER_TEST_REDIS_PORT", "6379")), "TWITTER_TEST_REDIS_HOST"));
        }
        if (dockerAvailable()) {
            var container = new org.testcontainers.containers.GenericContainer<>("redis:7.4-alpine").withExposedPorts(6379);
            container.start();
            return requireAnswers(new Cache(container.getHost(), container.getMappedPort(6379), "Testcontainers"));
        }
        return requireAnswers(new Cache("127.0.0.1", 6379, "local service"));
    }

    private static Cache requireAnswers(Cache cache) {
        try (var jedis = new redis.clients.jedis.Jedis(cache.host(), cache.port(), 2_000)) {
            jedis.ping();
            System.out.println("TestServices: Redis at " + cache.host() + ":" + cache.port() + " (" + cache.source()
                    + "), database " + TEST_REDIS_DATABASE);
            return cache;
        } catch (RuntimeException e) {
            throw new IllegalStateException("Redis (" + cache.source() + ", " + cache.host() + ":" + cache.port()
                    + ") does not answer: " + e.getMessage() + "\n" + HOW_TO_START, e);
        }
    }

    /** A queue prefix no other context or run uses; its queues are deleted when the JVM exits. */
    public static String newQueuePrefix() {
        String prefix = "test-" + Long.toString(System.nanoTime(), 36) + "-" + QUEUE_PREFIXES.size();
        QUEUE_PREFIXES.add(prefix);
        return prefix;
    }

    public record Broker(String host, int port, String username, String password, String source) {

        public com.rabbitmq.client.ConnectionFactory connectionFactory() {
            var factory = new com.rabbitmq.client.ConnectionFactory();
            factory.setHost(host);
            factory.setPort(port);
            factory.setUsername(username);
            factory.setPassword(password);
            factory.setConnectionTimeout(5_000);
            return factory;
        }
    }

    /** RabbitMQ, with the consistent-hash exchange plugin enabled. */
    public static synchronized Broker rabbitmq() {
        if (rabbitmq == null) {
            rabbitmq = resolveOnce("RabbitMQ", TestServices::resolveRabbitmq);
            Runtime.getRuntime().addShutdownHook(new Thread(TestServices::deleteTestQueues));
        }
        return rabbitmq;
    }

    private static Broker resolveRabbitmq() {
        String host = System.getenv("TWITTER_TEST_RABBITMQ_HOST");
        if (host != null && !host.isBlank()) {
            return requireAnswers(new Broker(host, Integer.parseInt(env("TWITTER_TEST_RABBITMQ_PORT", "5672")),
                    env("TWITTER_TEST_RABBITMQ_USER", "guest"), env("TWITTER_TEST_RABBITMQ_PASSWORD", "guest"),
                    "TWITTER_TEST_RABBITMQ_HOST"));
        }
        if (dockerAvailable()) {
            RabbitMQContainer container = new RabbitMQContainer("rabbitmq:4.1-management");
            container.start();
            try {
                container.execInContainer("rabbitmq-plugins", "enable", "rabbitmq_consistent_hash_exchange");
            } catch (Exception e) {
                throw new IllegalStateException("cannot enable the consistent-hash exchange plugin", e);
            }
            return requireAnswers(new Broker(container.getHost(), container.getAmqpPort(), container.getAdminUsername(),
                    container.getAdminPassword(), "Testcontainers"));
        }
        return requireAnswers(new Broker("127.0.0.1", 5672, "guest", "guest", "local service"));
    }

    private static Broker requireAnswers(Broker broker) {
        try (var connection = broker.connectionFactory().newConnection("twitter-arch-test-probe")) {
            System.out.println("TestServices: RabbitMQ at " + broker.host() + ":" + broker.port() + " (" + broker.source() + ")");
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("RabbitMQ (" + broker.source() + ", " + broker.host() + ":" + broker.port()
                    + ") does not answer: " + e.getMessage() + "\n" + HOW_TO_START, e);
        }
    }

    private static void deleteTestQueues() {
        try (var connection = rabbitmq.connectionFactory().newConnection("twitter-arch-test-cleanup");
             var channel = connection.createChannel()) {
            for (String prefix : QUEUE_PREFIXES) {
                deleteQueuesOf(channel, new dev.twitterarch.messaging.Topology(prefix));
            }
        } catch (Exception e) {
            System.err.println("could not delete the test queues " + QUEUE_PREFIXES + ": " + e);
        }
    }

    /**
     * Every queue and exchange a step may have declared under one prefix: common's, and step 4's
     * (step 5's and 6's are the same names) worker queues and consistent-hash exchange. Deleting a
     * name that was never declared is harmless.
     */
    private static void deleteQueuesOf(com.rabbitmq.client.Channel channel, dev.twitterarch.messaging.Topology topology)
            throws java.io.IOException {
        for (int i = 0; i < 16; i++) {
            channel.queueDelete(topology.name("worker." + i));
        }
        channel.queueDelete(topology.fanOutQueue());
        channel.queueDelete(topology.deadLetterQueue());
        channel.exchangeDelete(topology.name("per-follower"));
        channel.exchangeDelete(topology.eventsExchange());
        channel.exchangeDelete(topology.deadLetterExchange());
    }

    // --- Citus ------------------------------------------------------------------------------------

    /** How to run the Citus tests, said once where they are skipped. */
    public static final String HOW_TO_ENABLE_CITUS = "the contract on Citus is skipped: set TWITTER_TEST_CITUS_URL="
            + "jdbc:postgresql://127.0.0.1:9700/postgres (a Citus coordinator with its workers added; .ci/citus-cluster start"
            + " starts one where Citus is installed) or run with a Docker engine (Testcontainers' citusdata/citus)";

    private static Database citus;
    private static Boolean citusAvailable;

    /** True when a Citus coordinator is given (TWITTER_TEST_CITUS_URL) or Testcontainers can start one. */
    public static synchronized boolean citusAvailable() {
        if (citusAvailable == null) {
            String url = System.getenv("TWITTER_TEST_CITUS_URL");
            citusAvailable = (url != null && !url.isBlank()) || dockerAvailable();
        }
        return citusAvailable;
    }

    /**
     * A fresh database on a Citus cluster, private to this JVM's test run, in which the coordinator
     * and every active worker have the extension and the workers are registered (Citus keeps its
     * node list per database, so a new database starts with none, and would silently put every
     * shard on the coordinator).
     */
    public static synchronized Database citus() {
        if (citus == null) {
            citus = resolveOnce("Citus", () -> createCitusDatabase(resolveCitusServer()));
        }
        return citus;
    }

    private static Database resolveCitusServer() {
        String url = System.getenv("TWITTER_TEST_CITUS_URL");
        if (url != null && !url.isBlank()) {
            return requireAnswers(new Database(url, env("TWITTER_TEST_CITUS_USER", "postgres"),
                    env("TWITTER_TEST_CITUS_PASSWORD", ""), "TWITTER_TEST_CITUS_URL"));
        }
        // one node acting as coordinator and worker: Citus's rules, without a second machine
        PostgreSQLContainer container = new PostgreSQLContainer(
                org.testcontainers.utility.DockerImageName.parse("citusdata/citus:13.2").asCompatibleSubstituteFor("postgres"));
        container.start();
        return requireAnswers(new Database(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                "Testcontainers (citusdata/citus)"));
    }

    private record Node(String host, int port) {
    }

    private static Database createCitusDatabase(Database server) {
        java.util.List<Node> workers = new java.util.ArrayList<>();
        try (Connection connection = server.connect(); Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT nodename, nodeport FROM pg_dist_node"
                     + " WHERE groupid <> 0 AND noderole = 'primary' AND isactive ORDER BY nodeport")) {
            while (rows.next()) {
                workers.add(new Node(rows.getString(1), rows.getInt(2)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("TWITTER_TEST_CITUS_URL (" + server.url() + ") is not a Citus coordinator: "
                    + e.getMessage(), e);
        }
        Database database = createTestDatabase(server);
        String name = database.name();
        for (Node worker : workers) {
            Database workerServer = new Database("jdbc:postgresql://" + worker.host() + ":" + worker.port() + "/postgres",
                    server.user(), server.password(), "Citus worker");
            if (!exists(workerServer, name)) { // citus.enable_create_database_propagation is off
                execute(workerServer, "CREATE DATABASE " + name);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> execute(workerServer, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")));
            }
            execute(workerServer.withDatabase(name), "CREATE EXTENSION IF NOT EXISTS citus");
        }
        execute(database, "CREATE EXTENSION IF NOT EXISTS citus");
        if (!workers.isEmpty()) {
            java.net.URI address = java.net.URI.create(server.url().substring("jdbc:".length()));
            execute(database, "SELECT citus_set_coordinator_host('" + address.getHost() + "', " + address.getPort() + ")");
            for (Node worker : workers) {
                execute(database, "SELECT citus_add_node('" + worker.host() + "', " + worker.port() + ")");
            }
        }
        System.out.println("TestServices: Citus database " + name + " on " + server.url() + " with "
                + (workers.isEmpty() ? "the coordinator as its only node" : workers.size() + " workers " + workers));
        return database;
    }

    /** A fresh database on the Citus coordinator with the extension but no worker registered in it. */
    public static Database citusWithoutWorkers() {
        Database database = createTestDatabase(resolveCitusServer());
        execute(database, "CREATE EXTENSION IF NOT EXISTS citus");
        return database;
    }

    private static boolean exists(Database server, String name) {
        try (Connection connection = server.connect();
             var statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            try (var rows = statement.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not look for database " + name + " on " + server.url() + ": " + e.getMessage(), e);
        }
    }

    /** A fresh database, private to this JVM's test run. */
    public static synchronized Database postgres() {
        if (postgres == null) {
            postgres = resolveOnce("PostgreSQL", () -> createTestDatabase(resolvePostgresServer()));
        }
        return postgres;
    }

    public record Database(String url, String user, String password, String source) {

        public Connection connect() throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", user);
            properties.setProperty("password", password);
            properties.setProperty("connectTimeout", "5");
            return DriverManager.getConnection(url, properties);
        }

        Database withDatabase(String name) {
            return new Database(url.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"), user, password, source);
        }

        String name() {
            java.util.regex.Matcher database = java.util.regex.Pattern.compile("//[^/]+/([^/?]+)").matcher(url);
            return database.find() ? database.group(1) : "postgres";
        }
    }

    private static Database resolvePostgresServer() {
        String url = System.getenv("TWITTER_TEST_POSTGRES_URL");
        if (url != null && !url.isBlank()) {
            return requireAnswers(new Database(url, env("TWITTER_TEST_POSTGRES_USER", "postgres"),
                    env("TWITTER_TEST_POSTGRES_PASSWORD", ""), "TWITTER_TEST_POSTGRES_URL"));
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
            container.start(); // stopped with the JVM by Testcontainers' reaper
            return requireAnswers(new Database(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "Testcontainers"));
        }
        return requireAnswers(new Database("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "", "local service"));
    }

    private static Boolean docker;

    /**
     * Whether Testcontainers can start containers. Asked only where a Docker engine may be (a
     * DOCKER_HOST, a Testcontainers config, or a Docker socket), so a machine without one gets no
     * ERROR lines from Testcontainers' probe; said once, in one line.
     */
    private static synchronized boolean dockerAvailable() {
        if (docker == null) {
            boolean mayHaveEngine = System.getenv("DOCKER_HOST") != null
                    || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".testcontainers.properties"))
                    || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                    || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".docker/run/docker.sock"));
            try {
                docker = mayHaveEngine && DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                docker = false;
            }
            System.out.println("TestServices: " + (docker ? "a Docker engine answers: services not given in the environment"
                    + " run in Testcontainers" : "no Docker engine: services not given in the environment are the local ones"));
        }
        return docker;
    }

    private static Database requireAnswers(Database server) {
        try (Connection ignored = server.connect()) {
            System.out.println("TestServices: PostgreSQL at " + server.url() + " (" + server.source() + ")");
            return server;
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL (" + server.source() + ", " + server.url() + ") does not answer: "
                    + e.getMessage() + "\n" + HOW_TO_START, e);
        }
    }

    private static Database createTestDatabase(Database server) {
        String name = "twitter_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        execute(server, "CREATE DATABASE " + name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> execute(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")));
        return server.withDatabase(name);
    }

    private static void execute(Database server, String sql) {
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run '" + sql + "' on " + server.url() + ": " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
