package dev.twitterarch.step6;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Redis is, under Spring Boot's standard names ({@code spring.data.redis.*}). {@code database}
 * picks one of Redis' numbered keyspaces: the tests use their own, never the demo's.
 */
@ConfigurationProperties("spring.data.redis")
record RedisSettings(@DefaultValue("localhost") String host, @DefaultValue("6379") int port,
                     @DefaultValue("0") int database) {
}
