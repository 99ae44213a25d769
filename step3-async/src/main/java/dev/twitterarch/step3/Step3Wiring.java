package dev.twitterarch.step3;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.messaging.ConditionalOnRole;
import dev.twitterarch.messaging.Consumers;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.QueueConsumer;
import dev.twitterarch.messaging.QueuedFeed;
import dev.twitterarch.messaging.Role;
import dev.twitterarch.messaging.Topology;
import io.micrometer.core.instrument.MeterRegistry;

/** The API publishes events after its commit; a worker process runs one consumer on the fan-out queue. */
@Configuration(proxyBeanMethods = false)
class Step3Wiring {

    @Bean
    QueuedFeed feed(FeedItemStore feedItems, PublishAfterCommit events) {
        return new QueuedFeed(feedItems, events);
    }

    /** Lost events are counted in the application's meter registry, if it has one (this step exports none). */
    @Bean
    PublishAfterCommit publishAfterCommit(Publisher publisher, Topology topology, ObjectProvider<MeterRegistry> registry) {
        return new PublishAfterCommit(publisher, topology, registry.getIfAvailable());
    }

    @Bean
    @ConditionalOnRole(Role.WORKER)
    QueueConsumer fanOutConsumer(Consumers consumers, Topology topology, FanOutWorker worker) {
        return consumers.consume(topology.fanOutQueue(), worker);
    }
}
