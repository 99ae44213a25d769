package dev.twitterarch.step5;

import java.util.List;

/**
 * Step 5's messages: followers grouped by bucket (a hash of the follower id, see
 * {@link BatchingDispatcher#bucketOf}) into batches of up to a hundred. The bucket is the routing
 * key on the consistent-hash exchange, so every message about one follower still goes to one
 * worker queue, in order, and a 100k-follower tweet is a thousand messages instead of a hundred thousand.
 */
public sealed interface FollowerBatch {

    int bucket();

    <R> R accept(Visitor<R> visitor);

    /** One mapping per message. */
    interface Visitor<R> {
        R addToFeeds(AddToFeeds batch);

        R removeFromFeeds(RemoveFromFeeds batch);

        R backfill(Backfill batch);

        R purge(Purge batch);
    }

    /** Put one tweet into the feeds of these followers. */
    record AddToFeeds(int bucket, long tweetId, long authorId, List<Long> followerIds) implements FollowerBatch {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.addToFeeds(this);
        }
    }

    /** Take one deleted tweet out of these followers' feeds. */
    record RemoveFromFeeds(int bucket, long tweetId, long authorId, List<Long> followerIds) implements FollowerBatch {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.removeFromFeeds(this);
        }
    }

    /** One follower started following: copy the followee's tweets in. */
    record Backfill(int bucket, long followerId, long followeeId) implements FollowerBatch {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.backfill(this);
        }
    }

    /** One follower stopped following: take the followee's tweets out. */
    record Purge(int bucket, long followerId, long followeeId) implements FollowerBatch {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.purge(this);
        }
    }
}
