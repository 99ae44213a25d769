package dev.twitterarch.step6;

import java.util.List;
import java.util.Objects;

import dev.twitterarch.common.testing.TestServices;
import redis.clients.jedis.Jedis;

/**
 * The tests' own look at Redis, on a connection of their own straight to the server (never through
 * the application's client, nor through a test's proxy), in the tests' keyspace. One thread only.
 */
final class RedisProbe implements AutoCloseable {

    private final Jedis jedis;

    RedisProbe() {
        TestServices.Cache redis = TestServices.redis();
        jedis = new Jedis(redis.host(), redis.port(), 5_000);
        jedis.select(TestServices.TEST_REDIS_DATABASE);
    }

    /** The raw list {@code feed:{userId}}, head first, markers included. */
    List<String> list(long userId) {
        return jedis.lrange("feed:" + userId, 0, -1);
    }

    long length(long userId) {
        return jedis.llen("feed:" + userId);
    }

    boolean cached(long userId) {
        return jedis.exists("feed:" + userId);
    }

    /** The tweet ids in a feed list, as stored (markers left out), head first. */
    List<Long> tweetIds(long userId) {
        return list(userId).stream().map(RedisProbe::tweetIdOf).filter(Objects::nonNull).toList();
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

    /** The tweet id of an entry "tweetId:authorId", or null for the markers ("end", "warming:..."). */
    static Long tweetIdOf(String entry) {
        int colon = entry.indexOf(':');
        if (colon < 0 || entry.startsWith("warming:")) {
            return null;
        }
        return Long.parseLong(entry.substring(0, colon));
    }

    @Override
    public void close() {
        jedis.close();
    }
}
