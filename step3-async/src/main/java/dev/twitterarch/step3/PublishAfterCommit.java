package dev.twitterarch.step3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twitterarch.messaging.EventSink;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.Topology;

/**
 * Steps 3-4: publish each event to the events exchange once the change has committed. Between the
 * commit and the broker's confirm the event lives only in this process's memory: if the process
 * dies there, or RabbitMQ is unreachable, the change stands and its fan-out is lost (logged).
 * Step 5's transactional outbox closes that gap.
 */
public class PublishAfterCommit implements EventSink {

    private static final Logger log = LoggerFactory.getLogger(PublishAfterCommit.class);

    private final Publisher publisher;
    private final Topology topology;

    public PublishAfterCommit(Publisher publisher, Topology topology) {
        this.publisher = publisher;
        this.topology = topology;
    }

    @Override
    public void emit(FeedEvent event) {
        publisher.publishAfterCommit(new Publisher.Outgoing(topology.eventsExchange(), Topology.FAN_OUT_KEY, event),
                failure -> log.error("the change is committed but its fan-out is lost: RabbitMQ did not take {}", event, failure));
    }
}
