package dev.twitterarch.step3;

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

/** The API publishes events after its commit; a worker process runs one consumer on the fan-out queue. */
@Configuration(proxyBeanMethods = false)
class Step3Wiring {

    @Bean
    QueuedFeed feed(FeedItemStore feedItems, Publisher publisher, Topology topology) {
        return new QueuedFeed(feedItems, new PublishAfterCommit(publisher, topology));
    }

    @Bean
    @ConditionalOnRole(Role.WORKER)
    QueueConsumer fanOutConsumer(Consumers consumers, Topology topology, FanOutWorker worker) {
        return consumers.consume(topology.fanOutQueue(), worker);
    }
}
