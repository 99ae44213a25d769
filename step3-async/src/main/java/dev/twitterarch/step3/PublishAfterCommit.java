package dev.twitterarch.step3;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twitterarch.common.web.ApiException;
import dev.twitterarch.messaging.EventSink;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Topology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Steps 3-4: publish each event to the events exchange once the change has committed. Between the
 * commit and the broker's confirm the event lives only in this process's memory: if the process
 * dies there, or RabbitMQ cannot take it (it went down during the request, or is cut off without
 * the client knowing yet: the publisher gives up after a bounded wait), the change stands and its
 * fan-out is lost. Each lost event is counted ({@code twitter_fanout_lost_total}) and logged on one
 * line; the request still answers with the change's own result.
 *
 * <p>While the connection to RabbitMQ is known to be down, a change is refused before it commits
 * (503 with {@code Retry-After}): without an outbox, accepting it would mean losing its fan-out for
 * sure. So a broker restart costs steps 3-4 the writes refused during it, plus the events of the
 * requests that were between commit and confirm when it went. Step 5's transactional outbox
 * accepts every write and loses nothing.
 */
public class PublishAfterCommit implements EventSink {

    private static final Logger log = LoggerFactory.getLogger(PublishAfterCommit.class);
    /** About as long as the client takes to reconnect. */
    private static final Duration RETRY_AFTER = Rabbit.RECOVERY_INTERVAL;

    private final Publisher publisher;
    private final Topology topology;
    private final Counter lost;

    /** @param registry where the lost events are counted; {@code null} keeps the count in this object only (no metrics endpoint) */
    public PublishAfterCommit(Publisher publisher, Topology topology, MeterRegistry registry) {
        this.publisher = publisher;
        this.topology = topology;
        this.lost = Counter.builder("twitter.fanout.lost")
                .description("events whose change committed but which RabbitMQ never confirmed: their fan-out is lost")
                .register(registry == null ? new SimpleMeterRegistry() : registry);
    }

    /** Runs inside the change's transaction: a refusal here rolls the change back. */
    @Override
    public void emit(FeedEvent event) {
        if (!publisher.brokerReachable()) {
            throw ApiException.unavailable("RabbitMQ is unreachable, so this change could not be fanned out: nothing was"
                    + " changed; try again in " + RETRY_AFTER.toSeconds() + " s", RETRY_AFTER);
        }
        publisher.publishAfterCommit(new Publisher.Outgoing(topology.eventsExchange(), Topology.FAN_OUT_KEY, event), failure -> {
            lost.increment();
            log.error("fan-out lost: {} is committed but RabbitMQ did not take its event ({})", event, failure.getMessage());
        });
    }

    /** Events lost so far by this process. */
    public long lost() {
        return (long) lost.count();
    }
}
