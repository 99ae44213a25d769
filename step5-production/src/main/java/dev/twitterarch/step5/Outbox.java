package dev.twitterarch.step5;

import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.messaging.AfterCommit;
import dev.twitterarch.messaging.EventSink;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.FeedEvent.Followed;
import dev.twitterarch.messaging.FeedEvent.TweetDeleted;
import dev.twitterarch.messaging.FeedEvent.TweetPosted;
import dev.twitterarch.messaging.FeedEvent.Unfollowed;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;

/**
 * The transactional outbox: events are rows, written in the same transaction as the
 * change they describe, so "the tweet is stored" and "its fan-out will happen" commit together.
 * A row also keeps the trace it was written in (the W3C {@code traceparent} of its
 * {@code twitter.outbox.write} span), so the relay that publishes it, maybe in another process and
 * later, continues that trace instead of starting one of its own.
 */
public class Outbox implements EventSink {

    /** An event waiting to be published, with its outbox row id and the trace it was written in (null: none). */
    public record Pending(long id, FeedEvent event, String traceparent) {

        /** The trace of the row, for the observation that carries it on (a relay's). */
        public ReceiverContext<Pending> traceContext() {
            ReceiverContext<Pending> context = new ReceiverContext<>((pending, key) -> TRACEPARENT.equals(key) ? pending.traceparent() : null);
            context.setCarrier(this);
            return context;
        }
    }

    /** The W3C trace context header (the tracer's default propagation), the one field a row keeps. */
    static final String TRACEPARENT = "traceparent";

    private final JdbcClient jdbc;
    private final SnowflakeIds ids;
    private final ObservationRegistry observations;
    private final List<Runnable> onCommit = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Outbox(JdbcClient jdbc, SnowflakeIds ids, ObservationRegistry observations) {
        this.jdbc = jdbc;
        this.ids = ids;
        this.observations = observations;
    }

    /** The columns an event fills; the others stay null. */
    private record Columns(Long tweet, Long author, Long follower, Long followee) {
    }

    /** One mapping per event, from the event to its row. */
    private static final FeedEvent.Visitor<Columns> COLUMNS = new FeedEvent.Visitor<>() {
        @Override
        public Columns tweetPosted(TweetPosted posted) {
            return new Columns(posted.tweetId(), posted.authorId(), null, null);
        }

        @Override
        public Columns tweetDeleted(TweetDeleted deleted) {
            return new Columns(deleted.tweetId(), deleted.authorId(), null, null);
        }

        @Override
        public Columns followed(Followed followed) {
            return new Columns(null, null, followed.followerId(), followed.followeeId());
        }

        @Override
        public Columns unfollowed(Unfollowed unfollowed) {
            return new Columns(null, null, unfollowed.followerId(), unfollowed.followeeId());
        }
    };

    /**
     * Must run inside the transaction of the change it reports. The write is an observation (a
     * producer span): the tracer writes its context into a carrier, and the row keeps the traceparent.
     */
    @Override
    public void emit(FeedEvent event) {
        Columns columns = event.accept(COLUMNS);
        Map<String, String> trace = new HashMap<>();
        String type = event.getClass().getSimpleName();
        Observation.createNotStarted("twitter.outbox.write", () -> {
                    SenderContext<Map<String, String>> context = new SenderContext<>(Map::put);
                    context.setCarrier(trace);
                    return context;
                }, observations)
                .contextualName("outbox write " + type)
                .lowCardinalityKeyValue("event", type)
                .observe(() -> jdbc.sql("""
                                INSERT INTO outbox (id, event, tweet_id, author_id, follower_id, followee_id, traceparent)
                                VALUES (:id, :event, :tweet, :author, :follower, :followee, :traceparent)""")
                        .param("id", ids.next())
                        .param("event", type)
                        .param("tweet", columns.tweet(), Types.BIGINT)
                        .param("author", columns.author(), Types.BIGINT)
                        .param("follower", columns.follower(), Types.BIGINT)
                        .param("followee", columns.followee(), Types.BIGINT)
                        .param("traceparent", trace.get(TRACEPARENT), Types.VARCHAR) // filled when the observation started
                        .update());
        // wake the relays of this process; relays elsewhere find the row by polling
        AfterCommit.run(() -> onCommit.forEach(Runnable::run));
    }

    /** Called after each commit that added events (a relay uses it to wake up at once). */
    public void onCommit(Runnable listener) {
        onCommit.add(listener);
    }

    /**
     * Locks up to {@code limit} of the oldest rows for the calling transaction. SKIP LOCKED lets
     * several relays (in several processes) work side by side, each on rows no other relay holds.
     */
    public List<Pending> lockOldest(int limit) {
        return jdbc.sql("""
                        SELECT id, event, tweet_id, author_id, follower_id, followee_id, traceparent FROM outbox
                        ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED""")
                .param("limit", limit)
                .query((rs, row) -> new Pending(rs.getLong("id"), switch (rs.getString("event")) {
                    case "TweetPosted" -> new TweetPosted(rs.getLong("tweet_id"), rs.getLong("author_id"));
                    case "TweetDeleted" -> new TweetDeleted(rs.getLong("tweet_id"), rs.getLong("author_id"));
                    case "Followed" -> new Followed(rs.getLong("follower_id"), rs.getLong("followee_id"));
                    case "Unfollowed" -> new Unfollowed(rs.getLong("follower_id"), rs.getLong("followee_id"));
                    default -> throw new IllegalStateException("unknown outbox event " + rs.getString("event"));
                }, rs.getString("traceparent")))
                .list();
    }

    public void delete(List<Pending> published) {
        jdbc.sql("DELETE FROM outbox WHERE id IN (:ids)")
                .param("ids", published.stream().map(Pending::id).toList())
                .update();
    }

    /** Events written and not yet published. */
    public long backlog() {
        return jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single();
    }
}
