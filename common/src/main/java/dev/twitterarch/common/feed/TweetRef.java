package dev.twitterarch.common.feed;

/** One entry of a home feed before hydration: which tweet, and whose (its shard on Citus). */
public record TweetRef(long tweetId, long authorId) {
}
