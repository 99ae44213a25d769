package dev.twitterarch.messaging;

import java.util.List;

/**
 * Told what a worker changed in feed_items, after the commit. Step 6 keeps its Redis lists in step
 * with the table this way; steps without a cache have no listener.
 */
public interface FeedRowsListener {

    void added(long tweetId, long authorId, List<Long> readerIds);

    void removed(long tweetId, long authorId, List<Long> readerIds);

    /** A follow or unfollow changed a whole feed: what a cache holds of it is stale. */
    void changed(long readerId);
}
