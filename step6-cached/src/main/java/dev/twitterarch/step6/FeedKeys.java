package dev.twitterarch.step6;

import dev.twitterarch.common.feed.TweetRef;

/** Redis key and entry formats, in one place. */
final class FeedKeys {

    static final String FEED_PATTERN = "feed:*";
    static final String TWEET_PATTERN = "tweet:*";
    /** Prefix of the placeholder a reader puts in an empty key while it loads the feed from PostgreSQL. */
    static final String WARMING = "warming:";

    private FeedKeys() {
    }

    static String feed(long userId) {
        return "feed:" + userId;
    }

    static String tweet(long tweetId) {
        return "tweet:" + tweetId;
    }

    /** A list entry: the tweet id and its author (the author's shard, for hydration from PostgreSQL). */
    static String entry(TweetRef ref) {
        return ref.tweetId() + ":" + ref.authorId();
    }

    static String entry(long tweetId, long authorId) {
        return tweetId + ":" + authorId;
    }

    /** Parses an entry, or null for the markers. */
    static TweetRef parse(String entry) {
        int colon = entry.indexOf(':');
        if (colon < 0 || entry.startsWith(WARMING)) {
            return null;
        }
        return new TweetRef(Long.parseLong(entry, 0, colon, 10), Long.parseLong(entry, colon + 1, entry.length(), 10));
    }
}
