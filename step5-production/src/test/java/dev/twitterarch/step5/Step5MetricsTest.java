package dev.twitterarch.step5;

import dev.twitterarch.common.testing.FanOutQuiescence;
import org.springframework.context.ApplicationContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.FanOutTestSupport;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.messaging.MessagingProperties;
import tools.jackson.databind.JsonNode;

/**
 * What an operator sees: /metrics in Prometheus' text format and /health with its probes, read over
 * HTTP from the running application (API, relay, dispatcher and workers in one process). The
 * context has a schema of its own ({@code step5_metrics}), so no other context's relay takes its
 * outbox rows (and its fan-out) away.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twitter.schema=step5_metrics",
        "spring.datasource.hikari.maximum-pool-size=8"})
class Step5MetricsTest {

    private static final int FOLLOWERS = 250;
    private static final int TWEETS = 3;
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?$");

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    @Value("${twitter.messaging.prefix}")
    String queuePrefix;

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SnowflakeIds ids;

    @Autowired
    MessagingProperties messaging;

    private ApiClient api;
    private FanOutTestSupport support;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        support = new FanOutTestSupport(jdbc, queuePrefix);
    }

    @AfterEach
    void tearDown() throws Exception {
        support.close();
    }

    /** One sample line of the exposition: name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /**
     * Proves: GET /metrics answers Prometheus text with every fan-out meter under its documented
     * name (counters with {@code _total}, the lag and batch histograms with their buckets, the
     * backlog gauge, and a queue-depth gauge per worker queue, labelled with the queue).
     */
    @Test
    void metricsAreExportedInPrometheusTextUnderTheirNames() {
        ApiClient.Response response = api.get("/metrics", null).expect(200);
        assertThat(response.contentType()).startsWith("text/plain");
        List<Sample> samples = parse(response.body());

        for (String name : List.of("twitter_tweets_posted_total", "twitter_feed_rows_written_total",
                "twitter_fanout_lag_seconds_count", "twitter_fanout_lag_seconds_sum",
                "twitter_worker_batch_size_count", "twitter_worker_batch_size_sum",
                "twitter_worker_batch_seconds_count", "twitter_worker_batch_seconds_sum",
                "twitter_outbox_backlog")) {
            assertThat(samples).as("a sample named %s", name).anyMatch(sample -> sample.name().equals(name));
        }
        for (String histogram : List.of("twitter_fanout_lag_seconds_bucket", "twitter_worker_batch_size_bucket",
                "twitter_worker_batch_seconds_bucket")) {
            assertThat(samples).as("%s{le=\"+Inf\"}", histogram)
                    .anyMatch(sample -> sample.name().equals(histogram) && "+Inf".equals(sample.labels().get("le")));
            assertThat(samples.stream().filter(sample -> sample.name().equals(histogram)).count())
                    .as("buckets of %s", histogram).isGreaterThan(5);
        }
        assertThat(response.body()).contains("# TYPE twitter_fanout_lag_seconds histogram")
                .contains("# TYPE twitter_tweets_posted_total counter", "# TYPE twitter_outbox_backlog gauge");

        List<String> queues = samples.stream().filter(sample -> sample.name().equals("twitter_queue_depth"))
                .map(sample -> sample.labels().get("queue")).toList();
        List<String> workerQueues = new ArrayList<>();
        for (int i = 0; i < messaging.workers(); i++) {
            workerQueues.add(queuePrefix + ".worker." + i);
        }
        assertThat(queues).as("twitter_queue_depth{queue=...}").containsAll(workerQueues);
        assertThat(samples).as("every sample carries the step tag")
                .filteredOn(sample -> sample.name().startsWith("twitter_"))
                .allSatisfy(sample -> assertThat(sample.labels()).containsEntry("step", "step5"));
    }

    /**
     * Proves: the meters measure the fan-out. Three tweets by an author with 250 followers move
     * tweets_posted by 3 and feed_rows_written by 3 x 250; every batch message adds one sample to
     * the batch size (summing to the rows), batch time and lag histograms, exactly as many as the
     * dispatcher's batches; and once the fan-out has settled the backlog and queue gauges read 0.
     */
    @Test
    void metricsMoveWhenTweetsArePosted() {
        long celebrity = api.createUser();
        List<Long> followers = support.addFollowers(ids, celebrity, FOLLOWERS);
        int batchesPerTweet = BatchPlan.of(followers, messaging.buckets(), messaging.batchSize()).size();
        awaitQuiescence();
        List<Sample> before = scrape();

        for (int i = 0; i < TWEETS; i++) {
            api.tweet(celebrity, "measured " + i);
        }
        awaitQuiescence();
        List<Sample> after = scrape();

        assertThat(delta(before, after, "twitter_tweets_posted_total")).isEqualTo(TWEETS);
        assertThat(delta(before, after, "twitter_feed_rows_written_total")).isEqualTo(TWEETS * FOLLOWERS);
        int batches = TWEETS * batchesPerTweet;
        assertThat(delta(before, after, "twitter_worker_batch_size_count")).as("batch messages").isEqualTo(batches);
        assertThat(delta(before, after, "twitter_worker_batch_size_sum")).as("followers in batches").isEqualTo(TWEETS * FOLLOWERS);
        assertThat(delta(before, after, "twitter_worker_batch_seconds_count")).isEqualTo(batches);
        assertThat(delta(before, after, "twitter_worker_batch_seconds_sum")).isPositive();
        assertThat(delta(before, after, "twitter_fanout_lag_seconds_count")).as("lag samples, one per batch").isEqualTo(batches);
        assertThat(sum(after, "twitter_fanout_lag_seconds_bucket", "le", "+Inf") - sum(before, "twitter_fanout_lag_seconds_bucket", "le", "+Inf"))
                .isEqualTo(batches);
        assertThat(delta(before, after, "twitter_fanout_lag_seconds_sum")).isPositive();
        assertThat(sum(after, "twitter_outbox_backlog")).isZero();
        assertThat(after).filteredOn(sample -> sample.name().equals("twitter_queue_depth"))
                .isNotEmpty().allSatisfy(sample -> assertThat(sample.value()).as("depth of %s", sample.labels()).isZero());
    }

    /**
     * Proves: /health and the readiness probe report UP, with the database and RabbitMQ checked
     * (RabbitMQ with the events queue's depth), and the liveness probe answers.
     */
    @Test
    void healthAndReadinessAreUpWithDatabaseAndRabbitmq() {
        JsonNode health = api.get("/health", null).expect(200).json();
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("db").get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("rabbitmq").get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("rabbitmq").get("details").has("events_queue_depth")).isTrue();

        JsonNode readiness = api.get("/health/readiness", null).expect(200).json();
        assertThat(readiness.get("status").asString()).isEqualTo("UP");
        for (String component : List.of("db", "rabbitmq", "readinessState")) {
            assertThat(readiness.get("components").get(component)).as("readiness component %s in %s", component, readiness)
                    .isNotNull();
            assertThat(readiness.get("components").get(component).get("status").asString()).isEqualTo("UP");
        }
        assertThat(api.get("/health/liveness", null).expect(200).json().get("status").asString()).isEqualTo("UP");
    }

    private void awaitQuiescence() {
        await("fan-out to quiesce").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(FanOutQuiescence.of(context)::getAsBoolean);
    }

    private List<Sample> scrape() {
        return parse(api.get("/metrics", null).expect(200).body());
    }

    private static List<Sample> parse(String exposition) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line.trim());
            assertThat(matcher.matches()).as("a Prometheus sample line: %s", line).isTrue();
            Map<String, String> labels = new LinkedHashMap<>();
            if (matcher.group(3) != null) {
                Matcher label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(matcher.group(3));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(4))));
        }
        return samples;
    }

    /** The sum of a metric's samples (over all label sets) matching an optional label. */
    private static double sum(List<Sample> samples, String name, String... label) {
        return samples.stream()
                .filter(sample -> sample.name().equals(name))
                .filter(sample -> label.length == 0 || label[1].equals(sample.labels().get(label[0])))
                .mapToDouble(Sample::value).sum();
    }

    private static double delta(List<Sample> before, List<Sample> after, String name) {
        return sum(after, name) - sum(before, name);
    }
}
