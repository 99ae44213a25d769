package dev.twitterarch.messaging;

/**
 * What the API tells the fan-out: the four moments of the feed seam, as messages. Each carries
 * ids only; the worker reads the current state from the database when it handles the message,
 * which is what makes handling it twice (a redelivery) harmless.
 *
 * <p>Whoever handles events implements {@link Visitor}: one method per event, so a new event is a
 * compile error in every handler that does not know it yet, not a failure at run time.
 */
public sealed interface FeedEvent {

    <R> R accept(Visitor<R> visitor);

    /** One mapping per event. */
    interface Visitor<R> {

        R tweetPosted(TweetPosted event);

        R tweetDeleted(TweetDeleted event);

        R followed(Followed event);

        R unfollowed(Unfollowed event);
    }

    record TweetPosted(long tweetId, long authorId) implements FeedEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.tweetPosted(this);
        }
    }

    record TweetDeleted(long tweetId, long authorId) implements FeedEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.tweetDeleted(this);
        }
    }

    record Followed(long followerId, long followeeId) implements FeedEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.followed(this);
        }
    }

    record Unfollowed(long followerId, long followeeId) implements FeedEvent {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.unfollowed(this);
        }
    }
}
