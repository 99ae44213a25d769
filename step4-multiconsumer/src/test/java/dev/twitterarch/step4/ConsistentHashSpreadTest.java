package dev.twitterarch.step4;

import dev.twitterarch.common.testing.FanOutQuiescence;
import org.springframework.context.ApplicationContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.TestServices;
import tools.jackson.databind.JsonNode;

/**
 * The consistent-hash exchange spreads one celebrity's fan-out over all 4 workers: each worker
 * queue owns a quarter of the hash ring (weight 20 each), so each handles a share of the
 * 2000 per-follower messages, and together exactly 2000.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsistentHashSpreadTest {

    static final int FOLLOWERS = 2000;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void everyWorkerGetsAShareOfA2000FollowerFanOut() throws Exception {
        ApiClient api = new ApiClient(port);
        long celebrity = api.createUser();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> followers = pool.invokeAll(java.util.Collections.nCopies(FOLLOWERS, () -> {
                long follower = api.createUser();
                api.follow(follower, celebrity).expect(201);
                return follower;
            }));
            for (Future<Long> follower : followers) {
                follower.get();
            }
        } finally {
            pool.shutdownNow();
        }
        awaitQuiescence();
        Map<Integer, Long> before = handledPerWorker(api);

        long tweet = api.tweet(celebrity, "hello, all 2000 of you");
        awaitQuiescence();
        Map<Integer, Long> after = handledPerWorker(api);

        Map<Integer, Long> share = new HashMap<>();
        after.forEach((worker, handled) -> share.put(worker, handled - before.getOrDefault(worker, 0L)));
        assertThat(share).hasSize(4);
        assertThat(share.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(FOLLOWERS);
        // an even ring gives each worker ~500; hashing is not exact, so ask only for a real share
        assertThat(share.values()).allSatisfy(handled -> assertThat(handled).isGreaterThan(FOLLOWERS / 10));
        JsonNode status = api.get("/workers/status", null).expect(200).json();
        assertThat(status.get("workers")).allSatisfy(worker -> assertThat(worker.get("queue_depth").asLong()).isZero());
        assertThat(api.page(celebrity, 1, null).ids()).containsExactly(tweet);
    }

    private void awaitQuiescence() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(FanOutQuiescence.of(context)::getAsBoolean);
    }

    private static Map<Integer, Long> handledPerWorker(ApiClient api) {
        Map<Integer, Long> handled = new HashMap<>();
        api.get("/workers/status", null).expect(200).json().get("workers")
                .forEach(worker -> handled.put(worker.get("worker").asInt(), worker.get("handled").asLong()));
        return handled;
    }
}
