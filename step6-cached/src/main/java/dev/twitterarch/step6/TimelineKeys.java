package dev.twitterarch.step6;

import dev.twitterarch.common.feed.TweetRef;

/**
 * Redis key and member formats, in one place.
 *
 * <pre>
 *   feed:{userId}       sorted set: a reader's home timeline, the newest part of their feed_items rows
 *   timeline:{authorId} sorted set: an author's own tweets (merged into their followers' pages while
 *                       they are a celebrity)
 *   tweet:{tweetId}     string: the tweet as the API shows it (JSON), for hydration with MGET
 * </pre>
 *
 * In both sorted sets a member is {@code tweetId:authorId} scored by the tweet id. The author is in
 * the member because hydration from PostgreSQL looks tweets up by (author, tweet) pairs (on Citus
 * that is the author's shard); keeping it in the member costs a few bytes and no second structure.
 * Scores are doubles, and exact: a Snowflake id here has 53 bits (SnowflakeIds), so every id is an
 * exact double, in Redis and in its Lua scripts alike. One member at score 0 is the set's marker
 * (see {@link SortedSetTimelines}); every tweet id is above 0.
 */
final class TimelineKeys {

    static final String FEED_PATTERN = "feed:*";
    static final String TIMELINE_PATTERN = "timeline:*";
    static final String TWEET_PATTERN = "tweet:*";

    private TimelineKeys() {
    }

    static String feed(long userId) {
        return "feed:" + userId;
    }

    static String timeline(long authorId) {
        return "timeline:" + authorId;
    }

    static String tweet(long tweetId) {
        return "tweet:" + tweetId;
    }

    static String member(TweetRef ref) {
        return ref.tweetId() + ":" + ref.authorId();
    }

    static String member(long tweetId, long authorId) {
        return tweetId + ":" + authorId;
    }

    static TweetRef parse(String member) {
        int colon = member.indexOf(':');
        return new TweetRef(Long.parseLong(member, 0, colon, 10), Long.parseLong(member, colon + 1, member.length(), 10));
    }
}
