package dev.twitterarch.step4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import dev.twitterarch.common.testing.FanOutTestSupport.Session;
import dev.twitterarch.common.testing.FeedRowLock;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.common.testing.WorkerProcessFixture;
import dev.twitterarch.common.testing.WorkerProcessFixture.Worker;

/**
 * What happens to a celebrity's fan-out when one of the four worker processes dies, or is stopped,
 * in the middle of it. The test context runs the API and the dispatcher ({@code role=api}); the
 * four workers are separate JVMs started from the same classpath with {@code role=worker} and
 * {@code worker-index} 0 to 3, as a deployment runs them, so the test can kill one for real.
 *
 * <p>How one worker is caught in the middle of its share, with no hook in the main code: the tweet
 * is posted while no worker runs, so the dispatcher turns it into 3000 per-follower messages that
 * wait in the four queues, and the tweet id is known. The test then holds, in a transaction it
 * keeps open, the feed row of one follower halfway down the list ({@link FeedRowLock}), and starts
 * the workers. Whichever worker's queue that follower hashes to handles the followers before it,
 * then blocks in that follower's {@code INSERT} holding the delivered, unacknowledged message (and
 * up to {@code prefetch} more), while the three others go on with their shares.
 * {@code pg_stat_activity} tells which worker blocked (each JVM's sessions carry its name).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "twitter.messaging.role=api")
class Step4WorkerProcessTest {

    private static final int FOLLOWERS = 3000;
    private static final int WORKERS = 4;
    /** Four JVMs start at once, on a small CI machine too. */
    private static final Duration WORKER_START = Duration.ofSeconds(180);
    private static final Pattern STOPPED = Pattern.compile(
            "stopped consuming (\\S+) after (\\d+) messages \\((\\d+) retried, (\\d+) dead-lettered\\)");

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

    private WorkerProcessFixture processes;
    private FanOutTestSupport support;
    private ApiClient api;
    private FeedRowLock lock;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        processes = new WorkerProcessFixture(Step4Application.class, "step4", queuePrefix);
        support = new FanOutTestSupport(jdbc, queuePrefix);
        support.purge(support.topology.deadLetterQueue());
        // the worker processes started below must be the only consumers, and the tweet the only work
        for (String queue : workerQueues()) {
            assertThat(support.consumers(queue)).as("consumers of %s before the test", queue).isZero();
            assertThat(support.ready(queue)).as("messages in %s before the test", queue).isZero();
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        processes.close(); // kill -9 whatever still runs
        if (lock != null) {
            lock.release();
        }
        support.close();
    }

    /**
     * kill -9 of one worker in the middle of its share: the three others finish theirs undisturbed,
     * the killed worker's unacknowledged messages go back to its queue, its half-done transaction
     * never commits, and a worker restarted with the same index handles exactly what was left, so
     * every follower ends with the tweet exactly once.
     */
    @Test
    void aWorkerKilledMidFanOutLosesNothingAndDuplicatesNothing() throws Exception {
        BlockedFanOut fanOut = blockOneWorkerMidway();
        Worker victim = fanOut.blocked();

        victim.kill();
        // its unacknowledged messages are back in its queue; the others' queues drain; every
        // follower without the tweet is one whose message waits in the killed worker's queue
        awaitOnlyTheVictimsShareLeft(fanOut);

        // The killed worker's session still waits for the row. Released, it finishes its INSERT,
        // finds its client gone and rolls back: nothing of the killed transaction commits.
        lock.release();
        await("the killed worker's session to end").atMost(Duration.ofSeconds(30))
                .until(() -> !support.sessionExists(fanOut.blockedSession()));
        assertThat(support.hasRow(fanOut.lockedFollower(), fanOut.tweet()))
                .as("row of the follower the killed worker was writing").isFalse();
        long left = support.ready(fanOut.queue());
        assertThat(support.followersMissing(fanOut.author(), fanOut.tweet())).as("followers without the tweet").isEqualTo(left);

        Worker restarted = startWorker(fanOut.index()).awaitLog("consuming " + fanOut.queue(), WORKER_START);
        fanOut.running().put(fanOut.index(), restarted);
        awaitEveryFollowerServed(fanOut);
        assertEveryFollowerHasItOnce(fanOut);

        Map<String, Long> handled = stopAll(fanOut.running());
        assertThat(handled.get(fanOut.queue())).as("messages the restarted worker handled").isEqualTo(left);
        long others = handled.entrySet().stream().filter(e -> !e.getKey().equals(fanOut.queue()))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(FOLLOWERS - others - left).as("messages the killed worker acknowledged before it died").isPositive();
        assertQueuesEmpty();
    }

    /**
     * SIGTERM to one worker in the middle of its share: it stops taking messages, finishes the one
     * in hand, commits and acknowledges it, hands its prefetched messages back and exits by itself
     * (143); a worker restarted with the same index does the rest. Every message is handled exactly
     * once over all the processes.
     */
    @Test
    void aWorkerStoppedMidFanOutFinishesItsMessageBeforeExiting() throws Exception {
        BlockedFanOut fanOut = blockOneWorkerMidway();
        Worker victim = fanOut.blocked();

        victim.terminate();
        // stopping starts by cancelling the consumer; the statement is still blocked, the message
        // still in hand. The worker's log says so: a quorum queue goes on counting a cancelled
        // consumer while it holds unacknowledged messages.
        victim.awaitLog(fanOut.queue() + ": stopping: consumer cancelled", Duration.ofSeconds(30));
        assertThat(victim.isAlive()).as("worker waits for its message in hand").isTrue();

        lock.release();
        int exitCode = victim.awaitExit(Duration.ofSeconds(60));

        // 143 = 128 + SIGTERM: the JVM's exit code once its shutdown hooks (Spring's context close) have run
        assertThat(exitCode).as("exit code; log:\n%s", victim.log()).isEqualTo(143);
        long victimHandled = handledIn(victim).get(fanOut.queue());
        // the message in hand was committed before the exit, and acknowledged: it is not back in the queue
        assertThat(support.hasRow(fanOut.lockedFollower(), fanOut.tweet())).as("row of the follower in hand").isTrue();
        awaitOnlyTheVictimsShareLeft(fanOut);
        long left = support.ready(fanOut.queue());

        Worker restarted = startWorker(fanOut.index()).awaitLog("consuming " + fanOut.queue(), WORKER_START);
        fanOut.running().put(fanOut.index(), restarted);
        awaitEveryFollowerServed(fanOut);
        assertEveryFollowerHasItOnce(fanOut);

        Map<String, Long> handled = stopAll(fanOut.running());
        assertThat(handled.get(fanOut.queue())).as("messages the restarted worker handled").isEqualTo(left);
        assertThat(handled.values().stream().mapToLong(Long::longValue).sum() + victimHandled)
                .as("messages handled by all processes, the stopped one included").isEqualTo(FOLLOWERS);
        assertQueuesEmpty();
    }

    // --- helpers -------------------------------------------------------------------------------

    /**
     * A celebrity's tweet waiting in the worker queues as 3000 messages, the four running workers
     * (by index), and the one blocked on the test's row of {@code lockedFollower}.
     */
    record BlockedFanOut(long author, List<Long> followers, long tweet, long lockedFollower,
                         Map<Integer, Worker> running, int index, String queue, int blockedSession) {

        Worker blocked() {
            return running.get(index);
        }
    }

    private BlockedFanOut blockOneWorkerMidway() throws Exception {
        long author = api.createUser();
        List<Long> followers = support.addFollowers(ids, author, FOLLOWERS);
        assertThat(api.get("/api/users/" + author, null).expect(200).json().get("followers_count").asLong())
                .isEqualTo(FOLLOWERS);

        long tweet = api.tweet(author, "hello to my " + FOLLOWERS + " followers");
        assertThat(api.page(author, 20, null).ids()).as("the author's own feed, at once").containsExactly(tweet);
        // the dispatcher (in this process) turns the event into one message per follower; no worker runs yet
        await("the tweet's per-follower messages in the worker queues").atMost(Duration.ofSeconds(60))
                .until(() -> workerQueues().stream().mapToLong(support::ready).sum() == FOLLOWERS
                        && support.ready(support.topology.fanOutQueue()) == 0);

        long lockedFollower = followers.get(FOLLOWERS / 2); // dispatched in id order: half the fan-out is before it
        lock = FeedRowLock.hold(dataSource, lockedFollower, tweet, author);

        Map<Integer, Worker> running = new TreeMap<>();
        for (int index = 0; index < WORKERS; index++) {
            running.put(index, startWorker(index));
        }
        Session[] blocked = new Session[1];
        await("a worker to block on the test's row").atMost(WORKER_START).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    running.values().stream().filter(worker -> !worker.isAlive()).findAny().ifPresent(worker -> {
                        throw new AssertionError(worker + " died:\n" + worker.log());
                    });
                    List<Session> sessions = support.feedWritersBlockedBy(lock.session());
                    assertThat(sessions).as("sessions blocked by the test's row").hasSizeLessThanOrEqualTo(1);
                    blocked[0] = sessions.isEmpty() ? null : sessions.get(0);
                    return blocked[0] != null;
                });
        int index = running.entrySet().stream().filter(e -> e.getValue().name().equals(blocked[0].applicationName()))
                .mapToInt(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("blocked session of an unknown process: " + blocked[0]));
        String queue = workerQueues().get(index);
        assertThat(support.ready(queue)).as("messages still waiting behind the blocked one in %s", queue).isPositive();
        return new BlockedFanOut(author, followers, tweet, lockedFollower, running, index, queue, blocked[0].pid());
    }

    private Worker startWorker(int index) {
        return processes.start("--twitter.messaging.worker-index=" + index);
    }

    /**
     * The three other workers have finished their shares and the victim's messages are all back in
     * its queue: every follower still without the tweet is exactly one message waiting there.
     */
    private void awaitOnlyTheVictimsShareLeft(BlockedFanOut fanOut) {
        await("the other workers to finish their shares").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> workerQueues().stream().filter(queue -> !queue.equals(fanOut.queue()))
                        .allMatch(queue -> support.ready(queue) == 0)
                        && support.consumers(fanOut.queue()) == 0
                        && support.followersMissing(fanOut.author(), fanOut.tweet()) == support.ready(fanOut.queue()));
        assertThat(support.ready(fanOut.queue())).as("messages left in %s", fanOut.queue()).isPositive();
    }

    private void awaitEveryFollowerServed(BlockedFanOut fanOut) {
        await("the restarted worker to serve the rest of its share").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> support.followersMissing(fanOut.author(), fanOut.tweet()) == 0);
    }

    private void assertEveryFollowerHasItOnce(BlockedFanOut fanOut) {
        assertThat(support.followerRows(fanOut.tweet())).as("followers' feed rows of the tweet").isEqualTo(FOLLOWERS);
        assertThat(support.readersWithDuplicates(fanOut.tweet())).as("feeds holding the tweet twice").isEmpty();
        // and as the followers see it: a sample of feeds, read over HTTP
        List<Long> sample = new ArrayList<>(List.of(fanOut.followers().get(0), fanOut.lockedFollower(),
                fanOut.followers().get(FOLLOWERS - 1)));
        new Random(fanOut.tweet()).ints(10, 0, FOLLOWERS).forEach(i -> sample.add(fanOut.followers().get(i)));
        for (long follower : sample) {
            assertThat(api.page(follower, 20, null).ids()).as("feed of follower %d", follower).containsExactly(fanOut.tweet());
        }
    }

    /**
     * Stops every running worker gracefully and returns how many messages each queue's worker
     * handled, from its last log line; a worker that retried or dead-lettered anything fails the test.
     */
    private Map<String, Long> stopAll(Map<Integer, Worker> running) {
        running.values().forEach(Worker::terminate);
        Map<String, Long> handled = new TreeMap<>();
        for (Worker worker : running.values()) {
            assertThat(worker.awaitExit(Duration.ofSeconds(60))).as("exit code of %s", worker).isEqualTo(143);
            handled.putAll(handledIn(worker));
        }
        assertThat(handled).as("queues of the stopped workers").hasSize(WORKERS);
        return handled;
    }

    /** What a stopped worker logged when it stopped consuming its queue. */
    private static Map<String, Long> handledIn(Worker worker) {
        Matcher stopped = STOPPED.matcher(worker.log());
        Map<String, Long> handled = new TreeMap<>();
        while (stopped.find()) {
            assertThat(stopped.group(3) + " retried, " + stopped.group(4) + " dead-lettered")
                    .as("%s on %s", worker, stopped.group(1)).isEqualTo("0 retried, 0 dead-lettered");
            handled.put(stopped.group(1), Long.parseLong(stopped.group(2)));
        }
        assertThat(handled).as("queues %s stopped consuming; log:\n%s", worker, worker.log()).hasSize(1);
        return handled;
    }

    private void assertQueuesEmpty() {
        for (String queue : workerQueues()) {
            assertThat(support.ready(queue)).as("messages left in %s", queue).isZero();
        }
        assertThat(support.ready(support.topology.fanOutQueue())).as("messages left in the dispatch queue").isZero();
        assertThat(support.ready(support.topology.deadLetterQueue())).as("dead-lettered messages").isZero();
    }

    private List<String> workerQueues() {
        return new ConsistentHashWorkers(support.topology, WORKERS).queues();
    }
}
