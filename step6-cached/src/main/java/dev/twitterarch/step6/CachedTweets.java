package dev.twitterarch.step6;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.tweet.TweetHydrator;
import dev.twitterarch.common.tweet.TweetStore;
import dev.twitterarch.common.tweet.TweetView;
import redis.clients.jedis.AbstractPipeline;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hydrates feed entries from Redis ({@code tweet:{id}}, one MGET for the page); only the tweets
 * not cached yet are read from PostgreSQL (one batched query) and then cached. Tweets never change
 * (only their deletion removes the key), so the copies stay correct.
 */
class CachedTweets implements TweetHydrator {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TweetStore tweets;
    private final SoftRedis redis;
    private final CacheSettings settings;

    CachedTweets(TweetStore tweets, SoftRedis redis, CacheSettings settings) {
        this.tweets = tweets;
        this.redis = redis;
        this.settings = settings;
    }

    @Override
    public List<TweetView> hydrate(List<TweetRef> refs) {
        if (refs.isEmpty()) {
            return List.of();
        }
        String[] keys = refs.stream().map(ref -> TimelineKeys.tweet(ref.tweetId())).toArray(String[]::new);
        List<String> cached = redis.call(jedis -> jedis.mget(keys), () -> null);
        if (cached == null) {
            return tweets.hydrate(refs);
        }
        Map<Long, TweetView> found = new HashMap<>();
        List<TweetRef> missing = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            if (cached.get(i) == null) {
                missing.add(refs.get(i));
            } else {
                found.put(refs.get(i).tweetId(), JSON.readValue(cached.get(i), TweetView.class));
            }
        }
        if (!missing.isEmpty()) {
            List<TweetView> loaded = tweets.hydrate(missing);
            loaded.forEach(view -> found.put(view.id(), view));
            redis.run(jedis -> {
                try (AbstractPipeline pipeline = jedis.pipelined()) {
                    loaded.forEach(view -> pipeline.setex(TimelineKeys.tweet(view.id()), settings.ttl().toSeconds(),
                            JSON.writeValueAsString(view)));
                    pipeline.sync();
                }
            });
        }
        return refs.stream().map(ref -> found.get(ref.tweetId())).filter(view -> view != null).toList();
    }

    /** A deleted tweet's copy goes. */
    void evict(long tweetId) {
        redis.run(jedis -> jedis.del(TimelineKeys.tweet(tweetId)));
    }
}
