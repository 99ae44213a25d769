package dev.twitterarch.messaging;

/**
 * What the API tells the fan-out: the four moments of the feed seam, as messages. Each carries
 * ids only; the worker reads the current state from the database when it handles the message,
 * which is what makes handling it twice (a redelivery) harmless.
 */
public sealed interface FeedEvent {

    record TweetPosted(long tweetId, long authorId) implements FeedEvent {
    }

    record TweetDeleted(long tweetId, long authorId) implements FeedEvent {
    }

    record Followed(long followerId, long followeeId) implements FeedEvent {
    }

    record Unfollowed(long followerId, long followeeId) implements FeedEvent {
    }
}
