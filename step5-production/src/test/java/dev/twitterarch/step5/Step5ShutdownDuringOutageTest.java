package dev.twitterarch.step5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.ApiProcessFixture;
import dev.twitterarch.common.testing.ApiProcessFixture.ApiProcess;
import dev.twitterarch.common.testing.TcpProxy;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.common.testing.WorkerProcessFixture;
import dev.twitterarch.common.testing.WorkerProcessFixture.Worker;

/**
 * SIGTERM while a service is down: the process still stops within its shutdown timeout
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}, 30 s), with exit code 143, and what it had
 * not done stays where the next process finds it (outbox rows, queued messages). The processes under
 * test reach the broker or the database through a {@link TcpProxy}, which the test cuts; no Spring
 * context runs in this JVM (it would consume the same queues).
 */
class Step5ShutdownDuringOutageTest {

    private static final String SCHEMA = "step5_shutdown";
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    private static final String SMALL_POOL = "--spring.datasource.hikari.maximum-pool-size=4";

    private final String queuePrefix = TestServices.newQueuePrefix();
    private TcpProxy broker;
    private TcpProxy database;
    private ApiProcessFixture apis;
    private WorkerProcessFixture workers;
    private JdbcClient jdbc;

    @BeforeEach
    void setUp() {
        broker = new TcpProxy(TestServices.rabbitmq().host(), TestServices.rabbitmq().port());
        URI server = URI.create(TestServices.postgres().url().substring("jdbc:".length()));
        database = new TcpProxy(server.getHost(), server.getPort());
        apis = new ApiProcessFixture(Step5Application.class, SCHEMA, queuePrefix);
        workers = new WorkerProcessFixture(Step5Application.class, SCHEMA, queuePrefix);
        TestServices.Database db = TestServices.postgres();
        jdbc = JdbcClient.create(new DriverManagerDataSource(db.url() + "?currentSchema=" + SCHEMA, db.user(), db.password()));
    }

    @AfterEach
    void tearDown() {
        apis.close();
        workers.close();
        broker.close();
        database.close();
    }

    /** The API side (web server, outbox relay, dispatcher) with RabbitMQ cut off: the relay is failing, the rows stay. */
    @Test
    void theApiStopsInTimeWhileRabbitmqIsCutOff() {
        ApiProcess api = apis.start(SMALL_POOL, "--spring.rabbitmq.host=" + broker.host(), "--spring.rabbitmq.port=" + broker.port())
                .awaitStarted(START);
        ApiClient client = api.client();
        long author = client.createUser();
        broker.cut();
        List<Long> tweets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tweets.add(client.tweet(author, "posted while the broker is away " + i));
        }
        api.process().awaitLog("outbox relay: ", Duration.ofSeconds(30));

        assertStopsInTime(api.process());
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE tweet_id IN (:ids)").param("ids", tweets).query(Long.class).single())
                .as("the tweets' events still in the outbox, for the next relay").isEqualTo(tweets.size());
    }

    /** The API side with PostgreSQL cut off, requests waiting for a connection. */
    @Test
    void theApiStopsInTimeWhilePostgresqlIsCutOff() {
        ApiProcess api = apis.start(SMALL_POOL, "--spring.datasource.url=" + throughProxy()).awaitStarted(START);
        ApiClient client = api.client();
        long author = client.createUser();
        database.cut();
        List<CompletableFuture<ApiClient.Response>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(CompletableFuture.supplyAsync(() -> client.postJson("/api/tweets/", author, Map.of("content", "waiting"))));
        }
        await("requests waiting for a connection to answer 503").atMost(Duration.ofSeconds(30))
                .until(() -> waiting.stream().anyMatch(CompletableFuture::isDone));
        assertThat(waiting.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).map(ApiClient.Response::status))
                .as("answers while the database is away").containsOnly(503);

        assertStopsInTime(api.process());
    }

    /** A worker holding a message it cannot write (PostgreSQL cut off) gives it back and stops in time. */
    @Test
    void aWorkerStopsInTimeWhilePostgresqlIsCutOff() {
        ApiProcess api = apis.start(SMALL_POOL).awaitStarted(START);
        Worker worker = workers.start(SMALL_POOL, "--spring.datasource.url=" + throughProxy()).awaitLog("Started ", START);
        ApiClient client = api.client();
        long author = client.createUser();
        long reader = client.createUser();
        client.follow(reader, author).expect(201);
        database.cut();
        long tweet = client.tweet(author, "for a worker that cannot write");
        worker.awaitLog("holding the message", Duration.ofSeconds(60));

        assertStopsInTime(worker);
        database.restore();
        Worker next = workers.start(SMALL_POOL).awaitLog("Started ", START);
        await("the next worker to write what the stopped one held").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> jdbc.sql("SELECT count(*) FROM feed_items WHERE user_id = :reader AND tweet_id = :tweet")
                        .param("reader", reader).param("tweet", tweet).query(Long.class).single() == 1);
        next.terminate();
        next.awaitExit(SHUTDOWN_TIMEOUT);
    }

    private void assertStopsInTime(Worker process) {
        long started = System.nanoTime();
        process.terminate();
        int exitCode = process.awaitExit(SHUTDOWN_TIMEOUT.plusSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("%s stopped %.1f s after SIGTERM (exit code %d)%n", process, took.toMillis() / 1000.0, exitCode);
        assertThat(exitCode).as("exit code; log:\n%s", process.log()).isEqualTo(143);
        assertThat(took).as("time from SIGTERM to exit; log:\n%s", process.log()).isLessThan(SHUTDOWN_TIMEOUT);
    }

    private String throughProxy() {
        return TestServices.postgres().url().replaceFirst("//[^/]+/", "//" + database.host() + ":" + database.port() + "/");
    }
}
