package dev.twitterarch.step6;

import java.util.Arrays;
import java.util.stream.Stream;

import org.flywaydb.core.api.Location;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.twitterarch.common.TwitterProperties;
import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.follow.FollowerStore;
import dev.twitterarch.common.tweet.TweetStore;
import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.messaging.ConditionalOnRole;
import dev.twitterarch.messaging.QueuedFeed;
import dev.twitterarch.messaging.Role;
import dev.twitterarch.step5.BatchWorker;
import dev.twitterarch.step5.FanOutMetrics;
import dev.twitterarch.step5.Outbox;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * Step 5's fan-out (imported by the application) with the Redis cache in front of it and the
 * celebrity hybrid: the feed strategy is {@link HomeTimelines}, its events pass {@link HybridFanOut}
 * on their way to step 5's outbox, and the workers run step 5's batch worker inside
 * {@link CacheWritingWorker}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({CacheSettings.class, RedisSettings.class, CelebritySettings.class})
class Step6Wiring {

    @Bean(destroyMethod = "close")
    RedisClient redisClient(RedisSettings redis, CacheSettings cache) {
        int timeout = (int) cache.timeout().toMillis();
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(128);             // above the request and worker threads: nobody waits for a connection
        // commons-pool keeps only 8 idle connections by default: with 64 request threads, every
        // connection returned beyond the 8th was closed and the next call opened a new one (a TCP
        // handshake, CLIENT SETNAME, SELECT, CLIENT SETINFO: five round trips for a 0.1 ms command).
        pool.setMaxIdle(128);
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
    CacheMeters cacheMeters(MeterRegistry registry) {
        return new CacheMeters(registry);
    }

    @Bean
    SoftRedis softRedis(RedisClient redisClient, CacheMeters meters, TwitterProperties twitter) {
        SoftRedis redis = new SoftRedis(redisClient, meters);
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
    SortedSetTimelines sortedSetTimelines(SoftRedis redis, CacheSettings settings, io.micrometer.observation.ObservationRegistry observations) {
        return new SortedSetTimelines(redis, settings, observations);
    }

    /**
     * Step 6's own migration (the celebrities table), after common's and step 5's. The locations are
     * set in step 5's production-defaults.yml, which step 6 imports, and an imported file wins over
     * the file that imports it: so the location is added here.
     */
    @Bean
    FlywayConfigurationCustomizer step6Migrations() {
        return flyway -> flyway.locations(Stream.concat(Arrays.stream(flyway.getLocations()).map(Location::getDescriptor),
                Stream.of("classpath:db/step6")).toArray(String[]::new));
    }

    @Bean
    Celebrities celebrities(JdbcClient jdbc, CelebritySettings settings, MeterRegistry registry) {
        Celebrities celebrities = new Celebrities(jdbc, settings);
        Gauge.builder("twitter.celebrities", celebrities::count).description("authors who are celebrities now").register(registry);
        return celebrities;
    }

    /**
     * The feed the API uses: the cached home timelines, merged with celebrities', in front of step
     * 5's outbox fan-out. The fan-out is step 5's (the same QueuedFeed, outbox and tweet counter),
     * with {@link HybridFanOut} deciding which events reach the outbox.
     */
    @Bean
    @Primary
    HomeTimelines homeTimelines(FeedItemStore feedItems, Outbox outbox, FanOutMetrics metrics, Celebrities celebrities,
                                FollowerStore followers, UserStore users, SortedSetTimelines timelines, CachedTweets tweets,
                                CacheMeters meters, LivePublisher live) {
        QueuedFeed fanOut = new QueuedFeed(feedItems,
                metrics.countingTweets(new HybridFanOut(outbox, celebrities, followers, timelines, meters, live)));
        return new HomeTimelines(fanOut, feedItems, celebrities, users, timelines, tweets, meters);
    }


    /** The workers run step 5's batch worker, then update the cached timelines after each commit. */
    @Bean
    @Primary
    CacheWritingWorker cacheWritingWorker(BatchWorker batchWorker, JdbcClient jdbc, HomeTimelines feed, LivePublisher live) {
        return new CacheWritingWorker(batchWorker, new FeedRows(jdbc), feed, live);
    }

    @Bean
    @Primary
    CachedTweets cachedTweets(TweetStore tweets, SoftRedis redis, CacheSettings settings) {
        return new CachedTweets(tweets, redis, settings);
    }

    @Bean
    @ConditionalOnRole(Role.API)
    FeedWarmer feedWarmer(JdbcClient jdbc, HomeTimelines feed, Celebrities celebrities, CacheSettings settings) {
        return new FeedWarmer(jdbc, feed, celebrities, settings);
    }
}
