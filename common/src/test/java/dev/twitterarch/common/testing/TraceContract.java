package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.id.SnowflakeIds;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * One trace per tweet: the span of {@code POST /api/tweets/} is the root of every span its fan-out
 * makes, across the outbox row, the relay, the dispatcher and every batch worker (and on step 6 the
 * Redis push of each batch), with one write span per batch. Spans are recorded in memory
 * ({@link RecordedSpans}) from the running application, every request sampled. The trace is
 * checked link by link (each span's parent chain leads to the POST's span), so a hop that loses
 * the context (a header not written or not read, an after-commit action run outside its message's
 * context) fails the test, not merely a span that goes missing. One subclass per step that traces
 * (5 and 6).
 *
 * <p>The context has a schema of its own ({@code traced}), so no other cached context's relay takes
 * its outbox rows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twitter.schema=traced",
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=50ms",
        "spring.datasource.hikari.maximum-pool-size=8"})
@Import(RecordedSpans.class)
public abstract class TraceContract {

    private static final int FOLLOWERS = 250;
    private static final AttributeKey<String> BATCHES = AttributeKey.stringKey("twitter.batches");
    private static final AttributeKey<String> ROWS = AttributeKey.stringKey("twitter.rows");

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
    RecordedSpans.Exporter recorded;

    private ApiClient api;
    private FanOutTestSupport support;

    /** Whether the step pushes each batch to Redis after its commit (step 6). */
    protected boolean pushesToRedis() {
        return false;
    }

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        support = new FanOutTestSupport(jdbc, queuePrefix);
    }

    @AfterEach
    void tearDown() throws Exception {
        support.close();
    }

    @Test
    void aTweetAndItsWholeFanOutAreOneTrace() {
        long author = api.createUser();
        support.addFollowers(ids, author, FOLLOWERS);
        awaitQuiescence();
        recorded.clear();

        api.postJson("/api/tweets/", author, Map.of("content", "traced from the POST to the last feed row")).expect(201);
        awaitQuiescence();

        await("the fan-out's spans, exported").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(this::oneTraceFromThePostToEveryBatch);
        System.out.println("TraceContract: " + summary);
    }

    /** What the last look at the spans found, printed once the trace is complete. */
    private String summary;

    private void oneTraceFromThePostToEveryBatch() {
        List<SpanData> spans = recorded.spans();
        List<SpanData> posts = spans.stream()
                .filter(span -> span.getKind() == SpanKind.SERVER && span.getName().contains("/api/tweets/")
                        && span.getName().toLowerCase().startsWith("http post"))
                .toList();
        assertThat(posts).as("the POST's server span among %s", names(spans)).hasSize(1);
        SpanData post = posts.get(0);
        List<SpanData> trace = spans.stream().filter(span -> span.getTraceId().equals(post.getTraceId())).toList();
        Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));

        summary = "trace " + post.getTraceId() + " of the POST holds " + trace.size() + " spans: " + names(trace);
        SpanData outboxWrite = one(trace, "outbox write TweetPosted");
        SpanData relay = one(trace, "outbox relay TweetPosted");
        SpanData dispatch = one(trace, "dispatch TweetPosted");
        assertThat(descendsFrom(outboxWrite, post, byId)).as("the outbox write is part of the POST").isTrue();
        assertThat(relay.getParentSpanId()).as("the relay continues the trace the outbox row kept")
                .isEqualTo(outboxWrite.getSpanId());
        assertThat(descendsFrom(dispatch, relay, byId)).as("the dispatcher continues the relay's message").isTrue();

        List<SpanData> writes = named(trace, "write AddToFeeds");
        int batches = Integer.parseInt(dispatch.getAttributes().get(BATCHES));
        assertThat(batches).as("batches the dispatcher cut %d followers into", FOLLOWERS).isGreaterThan(1);
        assertThat(writes).as("one write span per batch, in the POST's trace").hasSize(batches)
                .allSatisfy(write -> assertThat(descendsFrom(write, dispatch, byId))
                        .as("%s descends from the dispatch", write.getName()).isTrue());
        assertThat(writes.stream().map(SpanData::getParentSpanId).distinct().count())
                .as("each batch under a consume span of its own").isEqualTo(batches);
        writes.forEach(write -> assertThat(byId.get(write.getParentSpanId()).getKind()).isEqualTo(SpanKind.CONSUMER));
        assertThat(writes.stream().mapToInt(write -> Integer.parseInt(write.getAttributes().get(ROWS))).sum())
                .as("feed rows the batches wrote").isEqualTo(FOLLOWERS);

        if (pushesToRedis()) {
            List<SpanData> pushes = named(trace, "redis push").stream()
                    .filter(push -> descendsFrom(push, dispatch, byId)).toList();
            assertThat(pushes).as("one Redis push per batch, in the POST's trace, after the batch's commit")
                    .hasSize(batches);
            assertThat(pushes.stream().map(SpanData::getParentSpanId).collect(Collectors.toSet()))
                    .as("each push in its batch's consume span").isEqualTo(writes.stream().map(SpanData::getParentSpanId)
                            .collect(Collectors.toSet()));
        }
    }

    private static SpanData one(List<SpanData> trace, String name) {
        List<SpanData> found = named(trace, name);
        assertThat(found).as("span '%s' in the POST's trace %s", name, names(trace)).hasSize(1);
        return found.get(0);
    }

    private static List<SpanData> named(List<SpanData> trace, String name) {
        return trace.stream().filter(span -> span.getName().equals(name)).toList();
    }

    /** Whether following {@code span}'s parents within the trace reaches {@code ancestor}. */
    private static boolean descendsFrom(SpanData span, SpanData ancestor, Map<String, SpanData> byId) {
        for (SpanData at = span; at != null; at = byId.get(at.getParentSpanId())) {
            if (at.getSpanId().equals(ancestor.getSpanId())) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Long> names(List<SpanData> spans) {
        return spans.stream().collect(Collectors.groupingBy(SpanData::getName, Collectors.counting()));
    }

    private void awaitQuiescence() {
        await("fan-out to quiesce").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(FanOutQuiescence.of(context)::getAsBoolean);
    }
}
