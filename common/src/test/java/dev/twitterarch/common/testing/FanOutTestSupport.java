package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.springframework.jdbc.core.simple.JdbcClient;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.messaging.Topology;

/**
 * What the asynchronous steps' tests look at besides the HTTP API: the rows in {@code feed_items},
 * the database sessions in {@code pg_stat_activity}, and the queues in RabbitMQ, through their own
 * connections (never through the application's beans). Moved here from step 3's tests, made public
 * and generic (any exchange and routing key), so steps 3 to 6 share it.
 */
public final class FanOutTestSupport implements AutoCloseable {

    public final Topology topology;
    private final JdbcClient jdbc;
    private final Connection connection;
    private final Channel channel;

    /** @param queuePrefix the test context's {@code twitter.messaging.prefix} */
    public FanOutTestSupport(JdbcClient jdbc, String queuePrefix) {
        this.jdbc = jdbc;
        this.topology = new Topology(queuePrefix);
        try {
            this.connection = TestServices.rabbitmq().connectionFactory().newConnection("fan-out-test-support");
            this.channel = connection.createChannel();
            channel.confirmSelect();
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to RabbitMQ", e);
        }
    }

    // --- the database -----------------------------------------------------------------------------

    /**
     * Gives {@code author} {@code count} followers, written straight into the tables (users,
     * usernames and both sides of each follow) in a few set-based statements: thousands of HTTP
     * follows would each also queue a backfill message, and the tests want the celebrity's tweet to
     * be the only work in the queues. The ids come from the application's own generator, so they
     * never collide with ids the API hands out. Returned in id order, the order a fan-out reads them.
     */
    public List<Long> addFollowers(SnowflakeIds ids, long author, int count) {
        List<Long> followers = LongStream.range(0, count).map(i -> ids.next()).boxed().toList();
        // one text parameter '{1,2,...}' cast to bigint[] (JdbcClient would expand a Java array into a list of parameters)
        String array = followers.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
        jdbc.sql("""
                        INSERT INTO users (id, username, email)
                        SELECT id, 'fan_' || id, 'fan_' || id || '@example.org' FROM unnest(:ids::bigint[]) AS id""")
                .param("ids", array).update();
        jdbc.sql("INSERT INTO usernames (username_key, user_id) SELECT 'fan_' || id, id FROM unnest(:ids::bigint[]) AS id")
                .param("ids", array).update();
        jdbc.sql("INSERT INTO followers (user_id, follower_id) SELECT :author, id FROM unnest(:ids::bigint[]) AS id ORDER BY id")
                .param("author", author).param("ids", array).update();
        jdbc.sql("INSERT INTO following (user_id, followee_id) SELECT id, :author FROM unnest(:ids::bigint[]) AS id")
                .param("author", author).param("ids", array).update();
        jdbc.sql("ANALYZE followers").update();
        return followers;
    }

    /** feed_items rows of {@code tweetId} outside its author's own feed. */
    public long followerRows(long tweetId) {
        return jdbc.sql("SELECT count(*) FROM feed_items WHERE tweet_id = :tweet AND user_id <> author_id")
                .param("tweet", tweetId).query(Long.class).single();
    }

    /** Readers whose feed holds {@code tweetId} more than once (the primary key should make this impossible). */
    public List<Long> readersWithDuplicates(long tweetId) {
        return jdbc.sql("SELECT user_id FROM feed_items WHERE tweet_id = :tweet GROUP BY user_id HAVING count(*) > 1")
                .param("tweet", tweetId).query(Long.class).list();
    }

    /** Followers of the author whose feed lacks {@code tweetId} (as committed data shows it). */
    public long followersMissing(long authorId, long tweetId) {
        return jdbc.sql("""
                        SELECT count(*) FROM followers f
                        WHERE f.user_id = :author
                          AND NOT EXISTS (SELECT 1 FROM feed_items fi WHERE fi.user_id = f.follower_id AND fi.tweet_id = :tweet)""")
                .param("author", authorId).param("tweet", tweetId).query(Long.class).single();
    }

    /** Whether {@code reader}'s feed holds a (committed) row of {@code tweetId}. */
    public boolean hasRow(long reader, long tweetId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM feed_items WHERE user_id = :reader AND tweet_id = :tweet)")
                .param("reader", reader).param("tweet", tweetId).query(Boolean.class).single();
    }

    /** A database session, as {@code pg_stat_activity} shows it. */
    public record Session(int pid, String applicationName) {
    }

    /** Sessions writing {@code feed_items} that wait for the session {@code blockerPid} (see {@link FeedRowLock}). */
    public List<Session> feedWritersBlockedBy(int blockerPid) {
        return jdbc.sql("""
                        SELECT pid, application_name FROM pg_stat_activity
                        WHERE query LIKE 'INSERT INTO feed_items%'
                          AND wait_event_type = 'Lock'
                          AND :blocker = ANY (pg_blocking_pids(pid))""")
                .param("blocker", blockerPid)
                .query((rs, row) -> new Session(rs.getInt("pid"), rs.getString("application_name")))
                .list();
    }

    public boolean sessionExists(int pid) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = :pid)").param("pid", pid)
                .query(Boolean.class).single();
    }

    // --- RabbitMQ ---------------------------------------------------------------------------------

    /** Messages ready in a queue (delivered but unacknowledged ones are not counted). */
    public long ready(String queue) {
        return declarePassive(queue).getMessageCount();
    }

    public long consumers(String queue) {
        return declarePassive(queue).getConsumerCount();
    }

    private AMQP.Queue.DeclareOk declarePassive(String queue) {
        try {
            return channel.queueDeclarePassive(queue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void purge(String queue) {
        try {
            channel.queuePurge(queue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes (and acknowledges) the next message of a queue, or null if it is empty. */
    public GetResponse take(String queue) {
        try {
            return channel.basicGet(queue, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Dead-lettering is the broker's routing after a worker's reject: waits for the next dead letter to arrive. */
    public GetResponse awaitDeadLetter() {
        return await("a message in the dead-letter queue").atMost(Duration.ofSeconds(10))
                .until(() -> take(topology.deadLetterQueue()), Objects::nonNull);
    }

    /** RabbitMQ's one record of why and from where a message was dead-lettered (its {@code x-death} header). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> deathOf(GetResponse dead) {
        var deaths = (List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
        assertThat(deaths).as("x-death header").isNotNull().hasSize(1);
        return deaths.get(0);
    }

    /** The broker dead-lettered {@code dead} because a consumer of {@code queue} rejected it. */
    public static void assertRejectedFrom(GetResponse dead, String queue) {
        Map<String, Object> death = deathOf(dead);
        assertThat(String.valueOf(death.get("reason"))).as("why it was dead-lettered").isEqualTo("rejected");
        assertThat(String.valueOf(death.get("queue"))).as("where it was dead-lettered from").isEqualTo(queue);
    }

    /**
     * Publishes a message by hand, as the application would (persistent, confirmed) but with any
     * type and body, to the events exchange with the fan-out routing key.
     */
    public void publishEvent(String type, String jsonBody) {
        publish(topology.eventsExchange(), Topology.FAN_OUT_KEY, type, jsonBody);
    }

    /**
     * Publishes a message by hand, as the application would (persistent, confirmed, mandatory, the
     * AMQP {@code type} naming the record) but with any type and body, anywhere.
     */
    public void publish(String exchange, String routingKey, String type, String jsonBody) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json").deliveryMode(2).type(type).build();
        try {
            channel.basicPublish(exchange, routingKey, true, properties, jsonBody.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);
        } catch (IOException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("publishing by hand failed", e);
        }
    }

    @Override
    public void close() throws IOException, TimeoutException {
        connection.close();
    }
}
