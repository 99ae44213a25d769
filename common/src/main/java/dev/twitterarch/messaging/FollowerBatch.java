package dev.twitterarch.messaging;

import java.util.List;

/**
 * Step 5's messages: followers grouped by bucket ({@code follower id mod buckets}) into batches of
 * up to a hundred. The bucket is the routing key on the consistent-hash exchange, so every message
 * about one follower still goes to one worker queue, in order, and a 100k-follower tweet is a
 * thousand messages instead of a hundred thousand.
 */
public sealed interface FollowerBatch {

    int bucket();

    /** Put one tweet into the feeds of these followers. */
    record AddToFeeds(int bucket, long tweetId, long authorId, List<Long> followerIds) implements FollowerBatch {
    }

    /** Take one deleted tweet out of these followers' feeds. */
    record RemoveFromFeeds(int bucket, long tweetId, long authorId, List<Long> followerIds) implements FollowerBatch {
    }

    /** One follower started following: copy the followee's tweets in. */
    record Backfill(int bucket, long followerId, long followeeId) implements FollowerBatch {
    }

    /** One follower stopped following: take the followee's tweets out. */
    record Purge(int bucket, long followerId, long followeeId) implements FollowerBatch {
    }
}
