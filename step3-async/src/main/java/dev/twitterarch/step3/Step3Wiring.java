package dev.twitterarch.step3;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.messaging.Consumers;
import dev.twitterarch.messaging.FanOutTracker;
import dev.twitterarch.messaging.PublishAfterCommit;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.QueueConsumer;
import dev.twitterarch.messaging.QueuedFeed;
import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Topology;

/** The API publishes events; unless this process is API-only, one consumer on the fan-out queue runs the worker. */
@Configuration(proxyBeanMethods = false)
class Step3Wiring {

    @Bean
    QueuedFeed feed(FeedItemStore feedItems, Publisher publisher, Topology topology, Rabbit rabbit, FanOutTracker tracker) {
        return new QueuedFeed(feedItems, new PublishAfterCommit(publisher, topology), topology, rabbit, tracker);
    }

    @Bean
    @ConditionalOnExpression("'${twitter.messaging.role:both}' != 'api'")
    QueueConsumer fanOutConsumer(Consumers consumers, Topology topology, FanOutWorker worker) {
        return consumers.consume(topology.fanOutQueue(), worker);
    }
}
