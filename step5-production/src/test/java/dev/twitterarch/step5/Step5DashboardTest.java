package dev.twitterarch.step5;

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

/**
 * Every query of the provisioned Grafana dashboard reads a series that step 5 exports at /metrics
 * once it has served a post and a read (step 6's cache panels excepted: step 6's own test checks them).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class Step5DashboardTest {

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
        api.page(follower, 20, null);

        Set<String> exported = GrafanaDashboard.seriesIn(api.get("/metrics", null).expect(200).body());
        Set<String> queried = GrafanaDashboard.stepSeries();
        assertThat(queried).as("series the dashboard queries").isNotEmpty().contains("http_server_requests_seconds_bucket");
        assertThat(exported).as("series step 5 exports").containsAll(queried.stream().filter(name -> !name.startsWith("twitter_cache_")).toList());
    }
}
