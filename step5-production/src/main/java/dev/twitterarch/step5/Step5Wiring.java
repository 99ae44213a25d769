package dev.twitterarch.step5;

import java.util.List;
import java.util.Map;

import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.rabbitmq.client.Channel;

import dev.twitterarch.common.db.Citus;
import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.follow.FollowerStore;
import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.messaging.ConditionalOnRole;
import dev.twitterarch.messaging.ConsumerGroup;
import dev.twitterarch.messaging.Consumers;
import dev.twitterarch.messaging.MessageTypes;
import dev.twitterarch.messaging.MessagingProperties;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.QueueConsumer;
import dev.twitterarch.messaging.QueuedFeed;
import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Role;
import dev.twitterarch.messaging.Topology;
import dev.twitterarch.step4.ConsistentHashWorkers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

/**
 * Production-ready fan-out: events go through the transactional outbox, a relay publishes them, a
 * dispatcher cuts each into batches of followers routed by bucket through step 4's consistent-hash
 * exchange (now with a length limit on every queue), and N batch workers write each batch with one
 * statement; meters for all of it. Roles as in step 4: the API side runs the relay and the
 * dispatcher, the worker side the batch workers. Step 6 imports this configuration whole.
 */
@Configuration(proxyBeanMethods = false)
public class Step5Wiring {

    /**
     * Step 4's exchange and queues, each queue limited: a full queue refuses new messages (the
     * publisher gets a nack, so nothing is silently dropped, and the dispatcher holds its event and
     * tries again), instead of growing until the broker runs out of memory. {@code reject-publish},
     * not {@code reject-publish-dlx}: quorum queues have no such mode (and a refused message needs
     * no copy in the dead letters; its event is still in hand).
     */
    @Bean
    ConsistentHashWorkers consistentHashWorkers(Rabbit rabbit, Topology topology, MessagingProperties settings,
                                                MeterRegistry registry) throws Exception {
        ConsistentHashWorkers workers;
        try (Channel channel = rabbit.publishChannel()) {
            workers = new ConsistentHashWorkers(topology, settings.workers())
                    .declare(channel, Map.of("x-max-length", settings.maxQueueLength(), "x-overflow", "reject-publish"));
        }
        for (String queue : topology.workQueues()) {
            Gauge.builder("twitter.queue.depth", () -> rabbit.depth(queue)).tag("queue", queue)
                    .description("messages ready in the queue").register(registry);
        }
        return workers;
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
    Outbox outbox(JdbcClient jdbc, SnowflakeIds ids, MeterRegistry registry, ObservationRegistry observations) {
        Outbox outbox = new Outbox(jdbc, ids, observations);
        Gauge.builder("twitter.outbox.backlog", outbox::backlog).description("events not yet published").register(registry);
        return outbox;
    }

    @Bean
    QueuedFeed feed(FeedItemStore feedItems, Outbox outbox, FanOutMetrics metrics) {
        return new QueuedFeed(feedItems, metrics.countingTweets(outbox));
    }

    @Bean
    @ConditionalOnRole(Role.API)
    OutboxRelay outboxRelay(Outbox outbox, Publisher publisher, Topology topology, PlatformTransactionManager transactions,
                            MessagingProperties settings, ObservationRegistry observations) {
        return new OutboxRelay(outbox, publisher, topology, new TransactionTemplate(transactions), settings.batchSize(),
                observations);
    }

    /** By shard on Citus (one worker per shard, one shard per statement), by a hash of the id elsewhere. */
    @Bean
    FollowerBuckets followerBuckets(JdbcClient jdbc, MessagingProperties settings) {
        boolean citus = Citus.installed(jdbc);
        LoggerFactory.getLogger(Step5Wiring.class).info(citus
                ? "fan-out batches are cut by the Citus shard of the followers' feed rows"
                : "fan-out batches are cut into {} buckets by a hash of the follower id", settings.buckets());
        return citus ? FollowerBuckets.byShard(jdbc) : FollowerBuckets.hashed(settings.buckets());
    }

    @Bean
    @ConditionalOnRole(Role.API)
    QueueConsumer dispatcherConsumer(Consumers consumers, Topology topology, FollowerStore followers, Publisher publisher,
                                     FollowerBuckets buckets, MessagingProperties settings, ConsistentHashWorkers workers,
                                     ObservationRegistry observations) {
        return consumers.consume(topology.fanOutQueue(),
                new BatchingDispatcher(followers, publisher, workers, buckets, settings.batchSize(), observations));
    }

    @Bean
    BatchWorker batchWorker(FeedItemStore feedItems, FanOutMetrics metrics, ObservationRegistry observations) {
        return new BatchWorker(feedItems, metrics, observations);
    }

    /**
     * All N batch workers, or only worker {@code worker-index} when one is given. They run the
     * primary handler of follower batches: {@link BatchWorker} here, step 6's cache in front of it there.
     */
    @Bean
    @ConditionalOnRole(Role.WORKER)
    ConsumerGroup workers(Consumers consumers, ConsistentHashWorkers queues, MessagingProperties settings,
                          QueueConsumer.Handler batchHandler) {
        return consumers.group(queues.queues(), settings.workerIndex(), batchHandler);
    }
}
