package dev.twitterarch.step3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;

import org.springframework.jdbc.core.simple.JdbcClient;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.messaging.Topology;

/**
 * What the step 3 tests look at besides the HTTP API: the rows in {@code feed_items} and the
 * queues in RabbitMQ, through their own connections (never through the application's beans).
 */
final class FanOutTestSupport implements AutoCloseable {

    final Topology topology;
    private final JdbcClient jdbc;
    private final Connection connection;
    private final Channel channel;

    /** @param queuePrefix the test context's {@code twitter.messaging.prefix} */
    FanOutTestSupport(JdbcClient jdbc, String queuePrefix) {
        this.jdbc = jdbc;
        this.topology = new Topology(queuePrefix);
        try {
            this.connection = TestServices.rabbitmq().connectionFactory().newConnection("step3-test");
            this.channel = connection.createChannel();
            channel.confirmSelect();
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to RabbitMQ", e);
        }
    }

    /**
     * Gives {@code author} {@code count} followers, written straight into the tables (users,
     * usernames and both sides of each follow) in a few set-based statements: thousands of HTTP
     * follows would each also queue a backfill message, and the tests want the celebrity's tweet to
     * be the only message in the queue. The ids come from the application's own generator, so they
     * never collide with ids the API hands out.
     */
    List<Long> addFollowers(SnowflakeIds ids, long author, int count) {
        List<Long> followers = LongStream.range(0, count).map(i -> ids.next()).boxed().toList();
        // one text parameter '{1,2,...}' cast to bigint[] (JdbcClient would expand a Java array into a list of parameters)
        String array = followers.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
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
    long followerRows(long tweetId) {
        return jdbc.sql("SELECT count(*) FROM feed_items WHERE tweet_id = :tweet AND user_id <> author_id")
                .param("tweet", tweetId).query(Long.class).single();
    }

    /** Readers whose feed holds {@code tweetId} more than once (the primary key should make this impossible). */
    List<Long> readersWithDuplicates(long tweetId) {
        return jdbc.sql("SELECT user_id FROM feed_items WHERE tweet_id = :tweet GROUP BY user_id HAVING count(*) > 1")
                .param("tweet", tweetId).query(Long.class).list();
    }

    /** Followers of the author whose feed lacks {@code tweetId}. */
    long followersMissing(long authorId, long tweetId) {
        return jdbc.sql("""
                        SELECT count(*) FROM followers f
                        WHERE f.user_id = :author
                          AND NOT EXISTS (SELECT 1 FROM feed_items fi WHERE fi.user_id = f.follower_id AND fi.tweet_id = :tweet)""")
                .param("author", authorId).param("tweet", tweetId).query(Long.class).single();
    }

    /** Messages ready in a queue (delivered but unacknowledged ones are not counted). */
    long ready(String queue) {
        return declarePassive(queue).getMessageCount();
    }

    long consumers(String queue) {
        return declarePassive(queue).getConsumerCount();
    }

    private AMQP.Queue.DeclareOk declarePassive(String queue) {
        try {
            return channel.queueDeclarePassive(queue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void purge(String queue) {
        try {
            channel.queuePurge(queue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes (and acknowledges) the next message of a queue, or null if it is empty. */
    GetResponse take(String queue) {
        try {
            return channel.basicGet(queue, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Publishes a message by hand, as the API would (persistent, confirmed) but with any type and
     * body, to the events exchange with the fan-out routing key.
     */
    void publishEvent(String type, String jsonBody) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json").deliveryMode(2).type(type).build();
        try {
            channel.basicPublish(topology.eventsExchange(), Topology.FAN_OUT_KEY, true, properties,
                    jsonBody.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
