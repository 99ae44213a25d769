package dev.twitterarch.step4;

/**
 * Step 4's messages: one per follower and change, routed by the follower id, so everything that
 * touches one follower's feed lands on the same worker queue, in order.
 */
sealed interface PerFollower {

    long followerId();

    /** Put one tweet into one follower's feed. */
    record AddTweet(long followerId, long tweetId, long authorId) implements PerFollower {
    }

    /** Take one deleted tweet out of one follower's feed. */
    record RemoveTweet(long followerId, long tweetId) implements PerFollower {
    }

    /** The follower started following: copy the followee's tweets in. */
    record Backfill(long followerId, long followeeId) implements PerFollower {
    }

    /** The follower stopped following: take the followee's tweets out. */
    record Purge(long followerId, long followeeId) implements PerFollower {
    }
}
