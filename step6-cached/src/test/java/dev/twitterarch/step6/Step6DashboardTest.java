package dev.twitterarch.step6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.FanOutQuiescence;
import dev.twitterarch.common.testing.GrafanaDashboard;
import dev.twitterarch.common.testing.TestServices;

/** Every query of the provisioned Grafana dashboard, the cache panels included, reads a series step 6 exports. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class Step6DashboardTest {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void everyDashboardQueryHasData() {
        ApiClient api = new ApiClient(port);
        long author = api.createUser();
        long follower = api.createUser();
        api.follow(follower, author).expect(201);
        api.tweet(author, "for the dashboard");
        await().atMost(Duration.ofSeconds(60)).until(FanOutQuiescence.of(context)::getAsBoolean);
        api.page(follower, 20, null); // a miss that fills the timeline
        api.page(follower, 20, null); // a hit

        Set<String> exported = GrafanaDashboard.seriesIn(api.get("/metrics", null).expect(200).body());
        Set<String> queried = GrafanaDashboard.stepSeries();
        assertThat(queried).as("series the dashboard queries").contains("twitter_cache_reads_total", "twitter_cache_redis_seconds_sum");
        assertThat(exported).as("series step 6 exports").containsAll(queried);
    }
}
