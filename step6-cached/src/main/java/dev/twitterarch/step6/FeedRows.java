package dev.twitterarch.step6;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Step 6's own statements on feed_items, run by the workers inside step 5's transaction: which
 * readers a batch wrote (so that the cache follows the rows exactly), and the sweep after a purge.
 */
class FeedRows {

    private final JdbcClient jdbc;

    FeedRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Which of these readers have the tweet's row now. A fan-out batch writes a row only for a reader
     * who still follows the author, and only while the tweet exists; the push after the commit goes
     * to these readers only, so a cached timeline never holds an entry that feed_items does not.
     * Primary-key lookups on the readers' own shards.
     */
    List<Long> readersHaving(long tweetId, List<Long> readerIds) {
        return jdbc.sql("SELECT user_id FROM feed_items WHERE user_id IN (:readers) AND tweet_id = :tweet")
                .param("readers", readerIds)
                .param("tweet", tweetId)
                .query(Long.class)
                .list();
    }

    /**
     * After step 5's purge, the follower's rows of the followee's tweets that no longer exist go.
     *
     * <p>Step 5's purge keeps every row when the follower has followed the author again by the time
     * it runs (a late purge must not undo the new follow). But a tweet the author deleted while the
     * follower did not follow them was taken out of the feeds of the author's followers of that
     * moment, which did not include this follower: without this sweep its row stays for good, a
     * dead entry that hydrates to nothing and leaves a short page with a next cursor. The sequence:
     * the row is written (backfill or fan-out) while the follower follows; they unfollow (the purge
     * waits in the queue); the author deletes the tweet; they follow again; the purge runs and
     * keeps everything. (The same hole is in steps 3-5, whose purge is common's FeedItemStore.)
     *
     * <p>Three statements, each on one shard: Citus refuses a DELETE whose subquery joins
     * feed_items (the reader's shard) to tweets (the author's). Returns how many rows went.
     */
    int sweepDeletedTweets(long followerId, long followeeId) {
        List<Long> rows = jdbc.sql("SELECT tweet_id FROM feed_items WHERE user_id = :follower AND author_id = :followee")
                .param("follower", followerId)
                .param("followee", followeeId)
                .query(Long.class)
                .list();
        if (rows.isEmpty()) {
            return 0; // the usual case: the purge took them all
        }
        Set<Long> gone = new HashSet<>(rows);
        for (List<Long> chunk : chunks(rows)) {
            gone.removeAll(jdbc.sql("SELECT id FROM tweets WHERE user_id = :followee AND id IN (:ids)")
                    .param("followee", followeeId)
                    .param("ids", chunk)
                    .query(Long.class)
                    .list());
        }
        int deleted = 0;
        for (List<Long> chunk : chunks(List.copyOf(gone))) {
            deleted += jdbc.sql("DELETE FROM feed_items WHERE user_id = :follower AND tweet_id IN (:ids)")
                    .param("follower", followerId)
                    .param("ids", chunk)
                    .update();
        }
        return deleted;
    }

    private static List<List<Long>> chunks(List<Long> ids) {
        int size = 1000;
        return IntStream.range(0, (ids.size() + size - 1) / size)
                .mapToObj(i -> ids.subList(i * size, Math.min(ids.size(), (i + 1) * size)))
                .toList();
    }
}
