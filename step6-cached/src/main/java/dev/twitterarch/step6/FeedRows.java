package dev.twitterarch.step6;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Step 6's own statements on feed_items, run by the workers inside step 5's transaction, so that
 * the cache follows the rows exactly.
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
}
