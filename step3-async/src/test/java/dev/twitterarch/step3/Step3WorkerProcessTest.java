package dev.twitterarch.step3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.FanOutTestSupport;
import dev.twitterarch.common.testing.FeedRowLock;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.common.testing.WorkerProcessFixture;
import dev.twitterarch.common.testing.WorkerProcessFixture.Worker;

/**
 * What happens to a celebrity's fan-out when the worker process dies, or is stopped, in the middle
 * of it. The test context runs the API only; the worker is a separate JVM started from the same
 * classpath with {@code --twitter.messaging.role=worker}, as a deployment would run it, so the test
 * can kill it for real.
 *
 * <p>How the test catches the worker in the middle of its statement, with no hook in the main
 * code: the tweet is posted while no worker runs, so its id is known before the fan-out starts.
 * The test then inserts, in a transaction it keeps open, the very feed row that the fan-out will
 * write for a follower two thirds down the list ({@link FeedRowLock}). The worker's
 * {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING} writes the rows before that one, then has to wait for the test's
 * transaction to learn whether that key is taken. So the worker is blocked in a real partial
 * insert (PostgreSQL has given its transaction an id, which happens at its first written row),
 * holding a delivered, unacknowledged message.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "twitter.messaging.role=api")
class Step3WorkerProcessTest {

    private static final int FOLLOWERS = 3000;
    private static final Duration WORKER_START = Duration.ofSeconds(90);

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    SnowflakeIds ids;

    @Value("${twitter.messaging.prefix}")
    String queuePrefix;

    private WorkerProcessFixture workers;
    private FanOutTestSupport support;
    private ApiClient api;
    private FeedRowLock lock;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        workers = new WorkerProcessFixture(Step3Application.class, "step3", queuePrefix);
        support = new FanOutTestSupport(jdbc, queuePrefix);
        support.purge(support.topology.deadLetterQueue());
        // the worker process started below must be the only consumer, and the tweet the only message
        assertThat(support.consumers(fanOutQueue())).as("consumers of the fan-out queue before the test").isZero();
        assertThat(support.ready(fanOutQueue())).as("messages in the fan-out queue before the test").isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        workers.close(); // kill -9 whatever still runs
        if (lock != null) {
            lock.release();
        }
        support.close();
    }

    /** kill -9 in the middle of the fan-out: the message comes back, and a new worker does the whole fan-out exactly once. */
    @Test
    void aWorkerKilledMidFanOutLosesNothingAndDuplicatesNothing() throws Exception {
        BlockedFanOut fanOut = blockFanOutMidway();

        fanOut.worker().kill();
        // the worker never acknowledged the message: RabbitMQ puts it back when the connection drops
        await("the unacknowledged message to be back in the queue").atMost(Duration.ofSeconds(30))
                .until(() -> support.ready(fanOutQueue()) == 1);

        // The killed worker's database session is still waiting for the lock. Released, it finishes
        // its statement, finds its client gone and rolls back: half a statement never commits.
        releaseLock();
        await("the killed worker's session to end").atMost(Duration.ofSeconds(30))
                .until(() -> !support.sessionExists(fanOut.workerSession()));
        assertThat(support.followerRows(fanOut.tweet())).as("followers' rows left by the killed worker").isZero();

        Worker second = workers.start().awaitLog("consuming " + fanOutQueue(), WORKER_START);
        await("the restarted worker to fan the tweet out").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> support.followersMissing(fanOut.author(), fanOut.tweet()) == 0);
        assertEveryFollowerHasItOnce(fanOut);

        // stopped gracefully, the worker hands back whatever it has not acknowledged: an empty queue
        // afterwards means the redelivered message was acknowledged
        second.terminate();
        second.awaitExit(Duration.ofSeconds(60));
        assertThat(second.log()).contains("stopped consuming " + fanOutQueue() + " after 1 messages (0 retried, 0 dead-lettered)");
        assertQueuesEmpty();
    }

    /** SIGTERM in the middle of the fan-out: the worker stops taking messages, finishes the one in hand, acknowledges it, exits. */
    @Test
    void aWorkerStoppedMidFanOutFinishesItsMessageBeforeExiting() throws Exception {
        BlockedFanOut fanOut = blockFanOutMidway();
        Worker worker = fanOut.worker();

        worker.terminate();
        // stopping starts by cancelling the consumer; the statement is still blocked and the
        // message still in hand (not back in the queue). The worker's log says so: a quorum queue
        // goes on counting a cancelled consumer while it holds an unacknowledged message.
        worker.awaitLog(fanOutQueue() + ": stopping: consumer cancelled", Duration.ofSeconds(30));
        assertThat(worker.isAlive()).as("worker waits for its message in hand").isTrue();
        assertThat(support.ready(fanOutQueue())).as("messages back in the queue while the worker still holds it").isZero();

        releaseLock();
        int exitCode = worker.awaitExit(Duration.ofSeconds(60));

        // 143 = 128 + SIGTERM: the JVM's exit code once its shutdown hooks (Spring's context close) have run
        assertThat(exitCode).as("exit code; log:\n%s", worker.log()).isEqualTo(143);
        assertThat(worker.log()).contains("stopped consuming " + fanOutQueue() + " after 1 messages (0 retried, 0 dead-lettered)");
        // no restart, no waiting: the fan-out committed before the process exited
        assertThat(support.followersMissing(fanOut.author(), fanOut.tweet())).isZero();
        assertEveryFollowerHasItOnce(fanOut);
        assertQueuesEmpty();
    }

    /** A celebrity's tweet, the worker that fans it out, and the test session that keeps that worker blocked midway. */
    record BlockedFanOut(long author, List<Long> followers, long tweet, Worker worker, int workerSession) {
    }

    private BlockedFanOut blockFanOutMidway() throws SQLException {
        long author = api.createUser();
        List<Long> followers = support.addFollowers(ids, author, FOLLOWERS);
        assertThat(api.get("/api/users/" + author, null).expect(200).json().get("followers_count").asLong())
                .isEqualTo(FOLLOWERS);

        long tweet = api.tweet(author, "hello to my " + FOLLOWERS + " followers");
        assertThat(api.page(author, 20, null).ids()).as("the author's own feed, at once").containsExactly(tweet);
        await("the tweet's message in the queue").atMost(Duration.ofSeconds(10))
                .until(() -> support.ready(fanOutQueue()) == 1);

        long blockingFollower = followers.get(FOLLOWERS * 2 / 3); // followers are inserted, and scanned, in id order
        lock = FeedRowLock.hold(dataSource, blockingFollower, tweet, author);

        Worker worker = workers.start();
        Integer[] session = new Integer[1];
        await("the worker's fan-out to block on the test's row").atMost(WORKER_START).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!worker.isAlive()) {
                        throw new AssertionError(worker + " died:\n" + worker.log());
                    }
                    session[0] = jdbc.sql("""
                                    SELECT pid FROM pg_stat_activity
                                    WHERE application_name = :worker
                                      AND query LIKE 'INSERT INTO feed_items%'
                                      AND wait_event_type = 'Lock' AND wait_event = 'transactionid'
                                      AND :lock = ANY (pg_blocking_pids(pid))
                                      AND backend_xid IS NOT NULL -- it has written rows already""")
                            .param("worker", worker.name()).param("lock", lock.session())
                            .query(Integer.class).optional().orElse(null);
                    return session[0] != null;
                });
        assertThat(support.ready(fanOutQueue())).as("ready messages while the worker holds the tweet's").isZero();
        return new BlockedFanOut(author, followers, tweet, worker, session[0]);
    }

    private void releaseLock() throws SQLException {
        lock.release();
        lock = null;
    }

    private void assertEveryFollowerHasItOnce(BlockedFanOut fanOut) {
        assertThat(support.followerRows(fanOut.tweet())).as("followers' feed rows of the tweet").isEqualTo(FOLLOWERS);
        assertThat(support.readersWithDuplicates(fanOut.tweet())).as("feeds holding the tweet twice").isEmpty();
        // and as the followers see it: a sample of feeds, read over HTTP
        List<Long> sample = new ArrayList<>(List.of(fanOut.followers().get(0), fanOut.followers().get(FOLLOWERS * 2 / 3),
                fanOut.followers().get(FOLLOWERS - 1)));
        new Random(fanOut.tweet()).ints(10, 0, FOLLOWERS).forEach(i -> sample.add(fanOut.followers().get(i)));
        for (long follower : sample) {
            assertThat(api.page(follower, 20, null).ids()).as("feed of follower %d", follower).containsExactly(fanOut.tweet());
        }
    }

    private void assertQueuesEmpty() {
        assertThat(support.ready(fanOutQueue())).as("messages left in the fan-out queue").isZero();
        assertThat(support.ready(support.topology.deadLetterQueue())).as("dead-lettered messages").isZero();
    }

    private String fanOutQueue() {
        return support.topology.fanOutQueue();
    }
}
