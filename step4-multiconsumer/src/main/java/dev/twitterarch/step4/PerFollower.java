package dev.twitterarch.step4;

/**
 * Step 4's messages: one per follower and change, routed by the follower id, so everything that
 * touches one follower's feed lands on the same worker queue, in order.
 */
sealed interface PerFollower {

    long followerId();

    <R> R accept(Visitor<R> visitor);

    /** One mapping per message. */
    interface Visitor<R> {
        R addTweet(AddTweet message);

        R removeTweet(RemoveTweet message);

        R backfill(Backfill message);

        R purge(Purge message);
    }

    /** Put one tweet into one follower's feed. */
    record AddTweet(long followerId, long tweetId, long authorId) implements PerFollower {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.addTweet(this);
        }
    }

    /** Take one deleted tweet out of one follower's feed. */
    record RemoveTweet(long followerId, long tweetId) implements PerFollower {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.removeTweet(this);
        }
    }

    /** The follower started following: copy the followee's tweets in. */
    record Backfill(long followerId, long followeeId) implements PerFollower {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.backfill(this);
        }
    }

    /** The follower stopped following: take the followee's tweets out. */
    record Purge(long followerId, long followeeId) implements PerFollower {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.purge(this);
        }
    }
}
