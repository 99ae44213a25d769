package dev.twitterarch.step5;

import java.sql.Types;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.messaging.AfterCommit;
import dev.twitterarch.messaging.EventSink;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.FeedEvent.Followed;
import dev.twitterarch.messaging.FeedEvent.TweetDeleted;
import dev.twitterarch.messaging.FeedEvent.TweetPosted;
import dev.twitterarch.messaging.FeedEvent.Unfollowed;

/**
 * The transactional outbox: events are rows, written in the same transaction as the
 * change they describe, so "the tweet is stored" and "its fan-out will happen" commit together.
 */
public class Outbox implements EventSink {

    /** An event waiting to be published, with its outbox row id. */
    public record Pending(long id, FeedEvent event) {
    }

    private final JdbcClient jdbc;
    private final SnowflakeIds ids;
    private final List<Runnable> onCommit = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Outbox(JdbcClient jdbc, SnowflakeIds ids) {
        this.jdbc = jdbc;
        this.ids = ids;
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

    /** Must run inside the transaction of the change it reports. */
    @Override
    public void emit(FeedEvent event) {
        Columns columns = event.accept(COLUMNS);
        jdbc.sql("""
                        INSERT INTO outbox (id, event, tweet_id, author_id, follower_id, followee_id)
                        VALUES (:id, :event, :tweet, :author, :follower, :followee)""")
                .param("id", ids.next())
                .param("event", event.getClass().getSimpleName())
                .param("tweet", columns.tweet(), Types.BIGINT)
                .param("author", columns.author(), Types.BIGINT)
                .param("follower", columns.follower(), Types.BIGINT)
                .param("followee", columns.followee(), Types.BIGINT)
                .update();
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
                        SELECT id, event, tweet_id, author_id, follower_id, followee_id FROM outbox
                        ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED""")
                .param("limit", limit)
                .query((rs, row) -> new Pending(rs.getLong("id"), switch (rs.getString("event")) {
                    case "TweetPosted" -> new TweetPosted(rs.getLong("tweet_id"), rs.getLong("author_id"));
                    case "TweetDeleted" -> new TweetDeleted(rs.getLong("tweet_id"), rs.getLong("author_id"));
                    case "Followed" -> new Followed(rs.getLong("follower_id"), rs.getLong("followee_id"));
                    case "Unfollowed" -> new Unfollowed(rs.getLong("follower_id"), rs.getLong("followee_id"));
                    default -> throw new IllegalStateException("unknown outbox event " + rs.getString("event"));
                }))
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
