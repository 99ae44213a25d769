package dev.twitterarch.step4;

import java.util.Arrays;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.rabbitmq.client.Channel;

import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.follow.FollowerStore;
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
import io.micrometer.core.instrument.MeterRegistry;
import dev.twitterarch.step3.PublishAfterCommit;

/** Step 3's API (publish after commit), then a dispatcher and N workers behind a consistent-hash exchange. */
@Configuration(proxyBeanMethods = false)
class Step4Wiring {

    @Bean
    ConsistentHashWorkers consistentHashWorkers(Rabbit rabbit, Topology topology, MessagingProperties settings) throws Exception {
        try (Channel channel = rabbit.publishChannel()) {
            return new ConsistentHashWorkers(topology, settings.workers()).declare(channel, Map.of());
        }
    }

    @Bean
    MessageTypes perFollowerMessages() {
        return new MessageTypes(Arrays.asList(PerFollower.class.getPermittedSubclasses()));
    }

    @Bean
    QueuedFeed feed(FeedItemStore feedItems, PublishAfterCommit events) {
        return new QueuedFeed(feedItems, events);
    }

    /** Lost events are counted in the application's meter registry, if it has one (this step exports none). */
    @Bean
    PublishAfterCommit publishAfterCommit(Publisher publisher, Topology topology, ObjectProvider<MeterRegistry> registry) {
        return new PublishAfterCommit(publisher, topology, registry.getIfAvailable());
    }

    /** The dispatcher belongs to the API side. */
    @Bean
    @ConditionalOnRole(Role.API)
    QueueConsumer dispatcherConsumer(Consumers consumers, Topology topology, FollowerStore followers, Publisher publisher,
                                     ConsistentHashWorkers workers) {
        return consumers.consume(topology.fanOutQueue(), new Dispatcher(followers, publisher, workers));
    }

    /** All N workers, or only worker {@code worker-index} when one is given. */
    @Bean
    @ConditionalOnRole(Role.WORKER)
    ConsumerGroup workers(Consumers consumers, ConsistentHashWorkers queues, MessagingProperties settings, FeedWorker worker) {
        return consumers.group(queues.queues(), settings.workerIndex(), worker);
    }
}
