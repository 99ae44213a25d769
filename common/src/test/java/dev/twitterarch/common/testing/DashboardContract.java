package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every query of the provisioned Grafana dashboard reads a series that the step exports at
 * /metrics once it has served a post, its fan-out and two reads (the second a cache hit on step 6).
 * One subclass per step that exports metrics (5 and 6).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class DashboardContract {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    /** The dashboard's series this step is expected to export (all, unless it lacks a later step's panels). */
    protected Predicate<String> exports() {
        return name -> true;
    }

    @Test
    void everyDashboardQueryHasData() {
        ApiClient api = new ApiClient(port);
        long author = api.createUser();
        long follower = api.createUser();
        api.follow(follower, author).expect(201);
        api.tweet(author, "for the dashboard");
        await().atMost(Duration.ofSeconds(60)).until(FanOutQuiescence.of(context)::getAsBoolean);
        api.page(follower, 20, null);
        api.page(follower, 20, null);

        Set<String> exported = GrafanaDashboard.seriesIn(api.get("/metrics", null).expect(200).body());
        Set<String> queried = GrafanaDashboard.stepSeries();
        assertThat(queried).as("series the dashboard queries").contains("http_server_requests_seconds_bucket");
        assertThat(exported).as("series the step exports").containsAll(queried.stream().filter(exports()).toList());
    }
}
