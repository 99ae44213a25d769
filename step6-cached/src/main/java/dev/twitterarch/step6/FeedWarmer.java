package dev.twitterarch.step6;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Warms the home timelines of the most recently active users, and the celebrities' own timelines,
 * at start, in the background, so the first reads after a deploy (or a Redis restart) do not all
 * miss at once.
 */
class FeedWarmer implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(FeedWarmer.class);

    private final JdbcClient jdbc;
    private final HomeTimelines feed;
    private final Celebrities celebrities;
    private final CacheSettings settings;

    FeedWarmer(JdbcClient jdbc, HomeTimelines feed, Celebrities celebrities, CacheSettings settings) {
        this.jdbc = jdbc;
        this.feed = feed;
        this.celebrities = celebrities;
        this.settings = settings;
    }

    @Override
    public void run(ApplicationArguments args) {
        Thread warmer = new Thread(this::warm, "feed-warmer");
        warmer.setDaemon(true);
        warmer.start();
    }

    void warm() {
        long started = System.nanoTime();
        List<Long> active = jdbc.sql("SELECT user_id FROM tweets GROUP BY user_id ORDER BY max(id) DESC LIMIT :n")
                .param("n", settings.warmUsers())
                .query(Long.class)
                .list();
        active.forEach(feed::loadHome);
        List<Long> stars = celebrities.all();
        stars.forEach(feed::loadTimeline);
        log.info("warmed the feeds of {} recently active users and the timelines of {} celebrities in {} ms", active.size(),
                stars.size(), Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
}
