package dev.twitterarch.step6;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The feed cache ({@code twitter.cache.*}). Where Redis is comes from Spring Boot's standard
 * {@code spring.data.redis.host} and {@code .port}.
 *
 * @param capacity  entries kept per cached timeline (Twitter's figure, 800; Mastodon keeps 400); older pages come from PostgreSQL
 * @param ttl       how long an untouched cached timeline or tweet lives
 * @param warmUsers feeds warmed at start: those of the most recently active users
 * @param timeout   Redis connect and read timeout: a dead Redis must cost little before the fallback
 */
@ConfigurationProperties("twitter.cache")
record CacheSettings(@DefaultValue("800") int capacity, @DefaultValue("24h") Duration ttl,
                     @DefaultValue("1000") int warmUsers, @DefaultValue("500ms") Duration timeout) {
}
