package dev.twitterarch.step4;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.rabbitmq.client.Channel;

import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.messaging.ConsumerGroup;
import dev.twitterarch.messaging.Consumers;
import dev.twitterarch.messaging.FanOutTracker;
import dev.twitterarch.messaging.MessageTypes;
import dev.twitterarch.messaging.MessagingProperties;
import dev.twitterarch.messaging.PublishAfterCommit;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.QueueConsumer;
import dev.twitterarch.messaging.QueuedFeed;
import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Topology;

@Configuration(proxyBeanMethods = false)
class Step4Wiring {

    /** The original's binding weight: every worker queue owns the same share of the hash ring. */
    static final int WEIGHT = 20;

    /** The N worker queues behind the consistent-hash exchange, declared before anything uses them. */
    record WorkerQueues(List<String> names) {
    }

    @Bean
    WorkerQueues workerQueues(Rabbit rabbit, Topology topology, MessagingProperties settings) throws Exception {
        try (Channel channel = rabbit.publishChannel()) {
            topology.declareWorkers(channel, settings.workers(), WEIGHT);
        }
        return new WorkerQueues(topology.workerQueues(settings.workers()));
    }

    @Bean
    MessageTypes perFollowerMessages() {
        return new MessageTypes(Arrays.asList(PerFollower.class.getPermittedSubclasses()));
    }

    @Bean
    QueuedFeed feed(FeedItemStore feedItems, Publisher publisher, Topology topology, Rabbit rabbit, FanOutTracker tracker,
                    WorkerQueues workerQueues) {
        return new QueuedFeed(feedItems, new PublishAfterCommit(publisher, topology), topology, rabbit, tracker);
    }

    /** The dispatcher belongs to the API side: it runs unless this process is a worker only. */
    @Bean
    @ConditionalOnExpression("'${twitter.messaging.role:both}' != 'worker'")
    QueueConsumer dispatcherConsumer(Consumers consumers, Topology topology, Dispatcher dispatcher, WorkerQueues workerQueues) {
        return consumers.consume(topology.fanOutQueue(), dispatcher);
    }

    /** All N workers, or only worker {@code worker-index} when one is given. */
    @Bean
    @ConditionalOnExpression("'${twitter.messaging.role:both}' != 'api'")
    ConsumerGroup workers(Consumers consumers, WorkerQueues queues, MessagingProperties settings, FeedWorker worker) {
        List<Integer> indexes = settings.workerIndex() < 0
                ? IntStream.range(0, settings.workers()).boxed().toList()
                : List.of(settings.workerIndex());
        return new ConsumerGroup(indexes.stream().map(i -> consumers.consume(queues.names().get(i), worker)).toList());
    }
}
