package dev.twitterarch.step6;

import java.util.List;

import dev.twitterarch.common.testing.TestServices;
import redis.clients.jedis.Jedis;

/**
 * The tests' own look at Redis, on a connection of their own straight to the server (never through
 * the application's client, nor through a test's proxy), in the tests' keyspace. One thread only.
 * A cached timeline is a sorted set: entries {@code tweetId:authorId} scored by the tweet id, and
 * one marker at score 0 ({@code !ok|floor|meta} or {@code !fill|token}).
 */
final class RedisProbe implements AutoCloseable {

    private final Jedis jedis;

    RedisProbe() {
        TestServices.Cache redis = TestServices.redis();
        jedis = new Jedis(redis.host(), redis.port(), 5_000);
        jedis.select(TestServices.TEST_REDIS_DATABASE);
    }

    /** The entries of the home timeline {@code feed:{userId}}, newest first, the marker left out. */
    List<String> members(long userId) {
        return entries("feed:" + userId);
    }

    List<String> entries(String key) {
        return jedis.zrevrangeByScore(key, "+inf", "(0");
    }

    /** The tweet ids in a home timeline, newest first. */
    List<Long> tweetIds(long userId) {
        return members(userId).stream().map(RedisProbe::tweetIdOf).toList();
    }

    List<Long> timelineTweetIds(long authorId) {
        return entries("timeline:" + authorId).stream().map(RedisProbe::tweetIdOf).toList();
    }

    /** Entries in the home timeline (the marker not counted). */
    long length(long userId) {
        return jedis.zcount("feed:" + userId, "(0", "+inf");
    }

    /** Members of the sorted set, the marker included. */
    long size(long userId) {
        return jedis.zcard("feed:" + userId);
    }

    /** The marker: the member at score 0, or null. */
    String marker(long userId) {
        return marker("feed:" + userId);
    }

    String marker(String key) {
        List<String> lowest = jedis.zrange(key, 0, 0);
        return lowest.isEmpty() ? null : lowest.get(0);
    }

    /** True when the cached home timeline holds the whole feed (floor 0). */
    boolean whole(long userId) {
        String marker = marker(userId);
        return marker != null && marker.startsWith("!ok|0|");
    }

    boolean cached(long userId) {
        return jedis.exists("feed:" + userId);
    }

    boolean tweetCached(long tweetId) {
        return jedis.exists("tweet:" + tweetId);
    }

    void drop(long userId) {
        jedis.del("feed:" + userId);
    }

    Jedis jedis() {
        return jedis;
    }

    static Long tweetIdOf(String member) {
        return Long.parseLong(member.substring(0, member.indexOf(':')));
    }

    @Override
    public void close() {
        jedis.close();
    }
}
