package dev.twitterarch.messaging;

import java.util.List;
import java.util.stream.IntStream;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.rabbitmq.client.Channel;

import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.follow.FollowerStore;
import dev.twitterarch.common.id.SnowflakeIds;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Production-ready fan-out (steps 5 and 6): events go through the transactional outbox, a relay
 * publishes them, a dispatcher cuts each into batches of followers routed by bucket through the
 * consistent-hash exchange, and N batch workers write each batch with one statement; meters for
 * all of it. Roles as in step 4: {@code api} runs the API, relay and dispatcher, {@code worker} the
 * batch workers, {@code both} everything. A step imports this next to {@link MessagingConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public class BatchedOutboxFanOut {

    /** Every worker queue owns the same share of the hash ring, as in step 4. */
    static final int WEIGHT = 20;

    /** The N worker queues, declared with their length limit before anything uses them. */
    record WorkerQueues(List<String> names) {
    }

    @Bean
    WorkerQueues workerQueues(Rabbit rabbit, Topology topology, MessagingProperties settings, MeterRegistry registry)
            throws Exception {
        try (Channel channel = rabbit.publishChannel()) {
            topology.declareWorkers(channel, settings.workers(), WEIGHT, settings.maxQueueLength());
        }
        for (String queue : topology.workQueues()) {
            Gauge.builder("twitter.queue.depth", () -> rabbit.depth(queue)).tag("queue", queue)
                    .description("messages ready in the queue").register(registry);
        }
        return new WorkerQueues(topology.workerQueues(settings.workers()));
    }

    /** Bean name "rabbitmqHealthIndicator": /health reports it as "rabbitmq", part of readiness. */
    @Bean
    RabbitHealth rabbitmqHealthIndicator(Rabbit rabbit, Topology topology) {
        return new RabbitHealth(rabbit, topology);
    }

    @Bean
    MessageTypes followerBatches() {
        return new MessageTypes(List.of(FollowerBatch.class.getPermittedSubclasses()));
    }

    @Bean
    FanOutMetrics fanOutMetrics(MeterRegistry registry) {
        return new FanOutMetrics(registry);
    }

    @Bean
    Outbox outbox(JdbcClient jdbc, SnowflakeIds ids, MeterRegistry registry) {
        Outbox outbox = new Outbox(jdbc, ids);
        Gauge.builder("twitter.outbox.backlog", outbox::backlog).description("events not yet published").register(registry);
        return outbox;
    }

    @Bean
    QueuedFeed feed(FeedItemStore feedItems, Outbox outbox, FanOutMetrics metrics, Topology topology, Rabbit rabbit,
                    FanOutTracker tracker, WorkerQueues workerQueues) {
        return new QueuedFeed(feedItems, metrics.countingTweets(outbox), topology, rabbit, tracker);
    }

    /** The relay and the dispatcher belong to the API side: they run unless this process is a worker only. */
    @Bean
    @ConditionalOnExpression("'${twitter.messaging.role:both}' != 'worker'")
    OutboxRelay outboxRelay(Outbox outbox, Publisher publisher, Topology topology, PlatformTransactionManager transactions,
                            MessagingProperties settings) {
        return new OutboxRelay(outbox, publisher, topology, new TransactionTemplate(transactions), settings.batchSize());
    }

    @Bean
    @ConditionalOnExpression("'${twitter.messaging.role:both}' != 'worker'")
    QueueConsumer dispatcherConsumer(Consumers consumers, Topology topology, FollowerStore followers, Publisher publisher,
                                     MessagingProperties settings, WorkerQueues workerQueues) {
        return consumers.consume(topology.fanOutQueue(),
                new BatchingDispatcher(followers, publisher, topology, settings.buckets(), settings.batchSize()));
    }

    /** All N batch workers, or only worker {@code worker-index} when one is given. */
    @Bean
    @ConditionalOnExpression("'${twitter.messaging.role:both}' != 'api'")
    ConsumerGroup workers(Consumers consumers, WorkerQueues queues, MessagingProperties settings, FeedItemStore feedItems,
                          FanOutMetrics metrics, List<FeedRowsListener> listeners) {
        BatchWorker worker = new BatchWorker(feedItems, metrics, listeners);
        List<Integer> indexes = settings.workerIndex() < 0
                ? IntStream.range(0, settings.workers()).boxed().toList()
                : List.of(settings.workerIndex());
        return new ConsumerGroup(indexes.stream().map(i -> consumers.consume(queues.names().get(i), worker)).toList());
    }
}
