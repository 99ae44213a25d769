package dev.twitterarch.step6;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.twitterarch.common.TwitterProperties;
import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.tweet.TweetStore;
import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.messaging.ConditionalOnRole;
import dev.twitterarch.messaging.QueuedFeed;
import dev.twitterarch.messaging.Role;
import dev.twitterarch.step5.BatchWorker;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/** Step 5's fan-out (imported by the application) with the Redis cache in front of it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({CacheSettings.class, RedisSettings.class})
class Step6Wiring {

    @Bean(destroyMethod = "close")
    RedisClient redisClient(RedisSettings redis, CacheSettings cache) {
        int timeout = (int) cache.timeout().toMillis();
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(128);             // above the request and worker threads: nobody waits for a connection
        pool.setMaxWait(cache.timeout());
        return RedisClient.builder()
                .poolConfig(pool)
                .hostAndPort(new HostAndPort(redis.host(), redis.port()))
                .clientConfig(DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(timeout)
                        .socketTimeoutMillis(timeout)
                        .database(redis.database())
                        .clientName("twitter-arch-step6")
                        .build())
                .build();
    }

    /** With {@code twitter.reset-on-start} (the demos) the cache starts empty too, like the schema. */
    @Bean
    SoftRedis softRedis(RedisClient redisClient, TwitterProperties twitter) {
        SoftRedis redis = new SoftRedis(redisClient);
        if (twitter.resetOnStart()) {
            redis.run(jedis -> {
                redis.drop(TimelineKeys.FEED_PATTERN);
                redis.drop(TimelineKeys.TIMELINE_PATTERN);
                redis.drop(TimelineKeys.TWEET_PATTERN);
            });
        }
        return redis;
    }

    @Bean
    SortedSetTimelines sortedSetTimelines(SoftRedis redis, CacheSettings settings) {
        return new SortedSetTimelines(redis, settings);
    }

    /** The feed the API uses: the cached home timelines, in front of step 5's outbox fan-out. */
    @Bean
    @Primary
    HomeTimelines homeTimelines(QueuedFeed fanOut, FeedItemStore feedItems, UserStore users, SortedSetTimelines timelines,
                                CachedTweets tweets) {
        return new HomeTimelines(fanOut, feedItems, users, timelines, tweets);
    }

    /** The workers run step 5's batch worker, then update the cached timelines after each commit. */
    @Bean
    @Primary
    CacheWritingWorker cacheWritingWorker(BatchWorker batchWorker, JdbcClient jdbc, HomeTimelines feed) {
        return new CacheWritingWorker(batchWorker, new FeedRows(jdbc), feed);
    }

    @Bean
    @Primary
    CachedTweets cachedTweets(TweetStore tweets, SoftRedis redis, CacheSettings settings) {
        return new CachedTweets(tweets, redis, settings);
    }

    @Bean
    @ConditionalOnRole(Role.API)
    FeedWarmer feedWarmer(JdbcClient jdbc, HomeTimelines feed, CacheSettings settings) {
        return new FeedWarmer(jdbc, feed, settings);
    }
}
