package dev.twitterarch.step6;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.tweet.TweetHydrator;
import dev.twitterarch.common.tweet.TweetView;
import dev.twitterarch.messaging.Rabbit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sending side of live delivery, in every process that changes feeds: the workers (a batch of
 * followers got a tweet, or lost one) and the API (the author's own feed, a celebrity's tweet,
 * a follow). Each event becomes the WebSocket frame a page will receive, built once, and one AMQP
 * message per reader who has a live socket somewhere ({@link LivePresence}: one Redis call per
 * batch), routed by {@code reader.{id}} ({@link LiveRoutes}) to the API process that holds it.
 *
 * <p>Live events are hints, the feed stays the truth: they are sent after the change has
 * committed, not persistent, without publisher confirms, and at most once. So nothing here may slow
 * the work that produced them: every call only queues a task for one thread of its own (which also
 * keeps each process's events in order: a tweet's removal never overtakes its arrival); when that
 * backlog is full, or the broker is away, events are dropped and counted
 * ({@code twitter_live_dropped_total}). A page that missed one still shows the tweet at its next read.
 */
class LivePublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LivePublisher.class);

    /** The AMQP {@code type} of a message whose body is a frame for the readers. */
    static final String FRAME = "frame";
    /** A reader's follows changed: the process holding their socket binds the celebrities they follow again. */
    static final String FOLLOWS_CHANGED = "follows-changed";
    /** Someone became a celebrity, or stopped being one: every process binds its readers' celebrities again. */
    static final String CELEBRITIES_CHANGED = "celebrities-changed";

    private static final byte[] REFRESH = "{\"type\":\"refresh\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final Rabbit rabbit;
    private final String exchange;
    private final TweetHydrator tweets;
    private final LivePresence presence;
    private final JsonMapper json;
    private final ThreadPoolExecutor sender;
    private final Counter published;
    private final MeterRegistry registry;
    private Channel channel; // used by the sender thread only

    LivePublisher(Rabbit rabbit, String exchange, TweetHydrator tweets, LivePresence presence, JsonMapper json,
                  LiveSettings settings, MeterRegistry registry) {
        this.rabbit = rabbit;
        this.exchange = exchange;
        this.tweets = tweets;
        this.presence = presence;
        this.json = json;
        this.registry = registry;
        this.published = Counter.builder("twitter.live.published").description("live events sent to RabbitMQ").register(registry);
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.backlog()), task -> {
            Thread thread = new Thread(task, "live-publisher");
            thread.setDaemon(true);
            return thread;
        }, (task, executor) -> dropped("backlog-full", 1));
    }

    /** After the commit: the tweet entered these readers' feeds. */
    void tweetEntered(TweetRef tweet, Collection<Long> readers) {
        toOnlineReaders(readers, () -> tweetFrame(tweet));
    }

    /** After the commit: a celebrity's tweet, which no follower row carries, for their connected followers. */
    void celebrityTweeted(TweetRef tweet) {
        sender.execute(() -> {
            byte[] frame = tweetFrame(tweet);
            if (frame != null) {
                send(List.of(LiveRoutes.author(tweet.authorId())), FRAME, frame);
            }
        });
    }

    /** After the commit: the tweet left these readers' feeds. */
    void tweetLeft(long tweetId, Collection<Long> readers) {
        toOnlineReaders(readers, () -> deletedFrame(tweetId));
    }

    /** After the commit: a tweet of this author was deleted; the processes whose readers merged it as a celebrity's hear of it. */
    void authorsTweetDeleted(long authorId, long tweetId) {
        sender.execute(() -> send(List.of(LiveRoutes.author(authorId)), FRAME, deletedFrame(tweetId)));
    }

    /** After the commit: this reader's feed changed as a whole (a follow's backfill, an unfollow's purge). */
    void feedChanged(long readerId) {
        toOnlineReaders(List.of(readerId), () -> REFRESH);
    }

    /**
     * On the sender's thread: the frame to those of the readers who have a socket somewhere, built
     * only when there is one ({@code frame} may answer null: the tweet is gone, nothing to send).
     */
    private void toOnlineReaders(Collection<Long> readers, Supplier<byte[]> frame) {
        if (readers.isEmpty()) {
            return;
        }
        List<Long> audience = List.copyOf(readers);
        sender.execute(() -> {
            List<Long> online = presence.online(audience);
            byte[] body = online.isEmpty() ? null : frame.get();
            if (body != null) {
                send(online.stream().map(LiveRoutes::reader).toList(), FRAME, body);
            }
        });
    }

    /** After the commit: this reader followed or unfollowed someone. */
    void followsChanged(long readerId) {
        sender.execute(() -> send(List.of(LiveRoutes.reader(readerId)), FOLLOWS_CHANGED, new byte[0]));
    }

    /** After the commit: a promotion or a demotion. */
    void celebritiesChanged() {
        sender.execute(() -> send(List.of(LiveRoutes.CELEBRITIES), CELEBRITIES_CHANGED, new byte[0]));
    }

    /**
     * The page's frame for a tweet: exactly a feed item of GET /api/feed/; null when the tweet is
     * gone already. Read from PostgreSQL (one query, only when someone is online to receive it),
     * not through the cache: the live side stays out of the cache's bookkeeping.
     */
    private byte[] tweetFrame(TweetRef tweet) {
        List<TweetView> views = tweets.hydrate(List.of(tweet));
        if (views.isEmpty()) {
            return null;
        }
        return json.writeValueAsBytes(Map.of("type", "tweet", "tweet", views.get(0)));
    }

    private byte[] deletedFrame(long tweetId) {
        return json.writeValueAsBytes(Map.of("type", "deleted", "tweet_id", tweetId));
    }

    private void send(List<String> routingKeys, String type, byte[] body) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .type(type)
                .contentType("application/json")
                .deliveryMode(1) // not persistent: a live event that waited for a broker restart is stale
                .timestamp(new java.util.Date())
                .build();
        try {
            Channel out = channel();
            for (String key : routingKeys) {
                out.basicPublish(exchange, key, properties, body);
            }
            published.increment(routingKeys.size());
        } catch (IOException | RuntimeException e) {
            dropped("broker-unreachable", routingKeys.size());
            log.debug("live events not sent: {}", e.toString());
        }
    }

    private Channel channel() {
        if (channel != null && !channel.isOpen() && rabbit.isOpen()) {
            Rabbit.closeQuietly(channel); // closed by a channel error: the client never reopens it
            channel = null;
        }
        if (channel == null) {
            channel = rabbit.publishChannel();
        }
        return channel;
    }

    private void dropped(String reason, int count) {
        registry.counter("twitter.live.dropped", "reason", reason).increment(count);
    }

    /** Events not sent yet. */
    int backlog() {
        return sender.getQueue().size();
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(Rabbit.RECOVERY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Rabbit.closeQuietly(channel);
    }
}
