package dev.twitterarch.common;

import java.time.Clock;

import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

import dev.twitterarch.common.id.SnowflakeIds;

/**
 * Everything the steps share: the HTTP API, validation, errors, storage of users, follows and tweets.
 * A step application imports this and adds exactly one {@link dev.twitterarch.common.feed.FeedStrategy}.
 * The defaults file has the lowest precedence, so a step's application.yml overrides any of it.
 */
@Configuration(proxyBeanMethods = false)
// as @SpringBootApplication does: a test's own configuration (@TestConfiguration) is never scanned in
@ComponentScan(excludeFilters = @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class))
@ConfigurationPropertiesScan
@PropertySource("classpath:twitter-defaults.properties")
public class CommonConfiguration {

    @Bean
    SnowflakeIds ids(TwitterProperties properties) {
        return new SnowflakeIds(Clock.systemUTC(), properties.nodeId());
    }
}
