package dev.twitterarch.step6;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.FanOutQuiescence;

/**
 * What step 6's own tests of the running application share: a client of its HTTP API, a look at
 * Redis of their own ({@link RedisProbe}), and waiting for the fan-out to quiesce. Each subclass
 * says which context it runs (its schema, its properties, its services).
 */
abstract class Step6ApplicationTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    HomeTimelines feed;

    ApiClient api;
    RedisProbe redis;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        redis = new RedisProbe();
    }

    @AfterEach
    void disconnect() {
        redis.close();
    }

    void awaitQuiescence() {
        await("fan-out to quiesce").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(FanOutQuiescence.of(context)::getAsBoolean);
    }

    static List<Long> newestFirst(Collection<Long> ids) {
        List<Long> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.reverseOrder());
        return sorted;
    }
}
