package dev.twitterarch.step2;

import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.twitterarch.common.db.Citus;
import dev.twitterarch.common.tweet.Tweet;

/**
 * Step 2's fan-out statement, shaped so that Citus runs it inside each worker. It reads the author's
 * followers from {@code following}, the copy of each follow kept on the follower's shard, which is
 * also where the follower's {@code feed_items} rows live: every shard of {@code following} writes
 * into its colocated shard of {@code feed_items}, and no row travels through the coordinator. (The
 * other copy, {@code followers}, lives on the author's shard: an INSERT ... SELECT from it is pulled
 * to the coordinator and copied out over a new connection per target shard; see the README.) On
 * plain PostgreSQL both copies are one index range scan, so the statement costs the same there.
 *
 * <p>Unlike common's {@code FeedItemStore.fanOutToFollowers}, which steps 3 and 4 run later from a
 * queue, this statement does not join {@code tweets} to check that the tweet still exists: it runs
 * in the tweet's own transaction, under the {@link AuthorLock}, so the tweet exists and the
 * follower list cannot change under it.
 */
@Component
class ColocatedFanOut {

    private final JdbcClient jdbc;
    private final boolean citus;

    ColocatedFanOut(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.citus = Citus.installed(jdbc);
        if (citus) {
            LoggerFactory.getLogger(ColocatedFanOut.class).info(
                    "Citus: posts and deletes run their multi-shard statements over one connection per worker");
        }
    }

    /** One feed row for each current follower of the tweet's author, in one statement. */
    int toFollowers(Tweet tweet) {
        oneConnectionPerWorker();
        return jdbc.sql("""
                        INSERT INTO feed_items (user_id, tweet_id, author_id)
                        SELECT fo.user_id, :tweet, fo.followee_id FROM following fo
                        WHERE fo.followee_id = :author
                        ON CONFLICT DO NOTHING""")
                .param("tweet", tweet.id())
                .param("author", tweet.userId())
                .update();
    }

    /**
     * On Citus, the rest of this transaction runs each multi-shard statement over one connection
     * per worker, the one this session keeps open between transactions: no new connection, and a
     * two-phase commit over two connections instead of one per shard. (The executor would otherwise
     * open more connections while tasks wait, each a new worker backend with cold caches, and
     * close them again at commit.) Nothing to do on plain PostgreSQL.
     */
    void oneConnectionPerWorker() {
        if (citus) {
            jdbc.sql("SET LOCAL citus.max_adaptive_executor_pool_size = 1").update();
        }
    }
}
