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
 * If none answers, the run fails at once and says how to start them. Each JVM (each module's test
 * run) creates a database of its own and drops it at exit, so tests never touch a demo's data.
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

    /**
     * Adds the resolved services to a Spring test context; call it from a {@code @DynamicPropertySource}
     * (Spring calls that once per application context it builds). Each context gets queues of its
     * own: two cached contexts never consume each other's messages, and no test touches a demo's queues.
     */
    public static void register(DynamicPropertyRegistry registry) {
        String queuePrefix = newQueuePrefix();
        Database db = postgres();
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
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

    /** Redis keyspace of the tests (the demos use 0); emptied when first resolved. */
    public static final int TEST_REDIS_DATABASE = 9;

    public record Cache(String host, int port, String source) {
    }

    private static Cache redis;

    /** Redis, with the tests' keyspace emptied once per JVM. */
    public static synchronized Cache redis() {
        if (redis == null) {
            redis = resolveRedis();
            try (var jedis = new redis.clients.jedis.Jedis(redis.host(), redis.port(), 2_000)) {
                jedis.select(TEST_REDIS_DATABASE);
                jedis.flushDB();
            }
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
            rabbitmq = resolveRabbitmq();
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
                new dev.twitterarch.messaging.Topology(prefix).delete(channel, 16);
            }
        } catch (Exception e) {
            System.err.println("could not delete the test queues " + QUEUE_PREFIXES + ": " + e);
        }
    }

    /** A fresh database, private to this JVM's test run. */
    public static synchronized Database postgres() {
        if (postgres == null) {
            postgres = createTestDatabase(resolvePostgresServer());
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

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Database requireAnswers(Database server) {
        try (Connection ignored = server.connect()) {
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
