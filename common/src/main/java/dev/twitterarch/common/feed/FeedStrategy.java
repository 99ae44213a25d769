package dev.twitterarch.common.feed;

import java.util.List;

import dev.twitterarch.common.tweet.Tweet;

/**
 * The seam between the shared API and each step: the four moments where the steps differ, and the
 * read. A step application wires exactly one implementation.
 *
 * <p>The write callbacks run inside the transaction of the change they report (the tweet insert,
 * the follow rows ...), so a synchronous step writes its feed rows atomically with it.
 *
 * <p>The contract every implementation honours: once fan-out has quiesced, {@link #read} returns
 * exactly the feed of step 1, the user's own tweets plus those of everyone they follow, newest
 * first; and the author's own new tweet is readable at once (read-your-writes).
 */
public interface FeedStrategy {

    /** A tweet was posted. Step 1: nothing to do; step 2: insert feed rows; step 3 on: publish. */
    void tweetPosted(Tweet tweet);

    /** A tweet was deleted: it must leave every feed. */
    void tweetDeleted(Tweet tweet);

    /** {@code followerId} started following {@code followeeId}: bring the followee's tweets into the feed. */
    void followed(long followerId, long followeeId);

    /** {@code followerId} stopped following {@code followeeId}: take the followee's tweets out. */
    void unfollowed(long followerId, long followeeId);

    /** Up to {@code limit} entries of the user's home feed older than the cursor, newest first. */
    List<TweetRef> read(long userId, FeedCursor cursor, int limit);
}
