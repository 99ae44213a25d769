package dev.twitterarch.messaging;

import java.util.Arrays;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.rabbitmq.client.Channel;

import dev.twitterarch.common.TwitterProperties;
import io.micrometer.observation.ObservationRegistry;

/**
 * What every asynchronous step (3-6) shares: the RabbitMQ connections, the topology, the
 * confirming publisher and the message codec. A step imports this next to the common API.
 * Publishing and consuming are observed where the step has an {@link ObservationRegistry} (steps
 * 5-6, with their tracer: one trace per tweet), and not at all where it has none (steps 3-4).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({RabbitSettings.class, MessagingProperties.class})
public class MessagingConfiguration {

    @Bean(destroyMethod = "close")
    Rabbit rabbit(RabbitSettings settings, MessagingProperties messaging) {
        return new Rabbit(settings, messaging.prefix());
    }

    /**
     * Every asynchronous step publishes to the events exchange, so every process declares it; after
     * a lost connection came back, the topology is declared again (the broker may have lost it).
     */
    @Bean
    Topology topology(Rabbit rabbit, MessagingProperties messaging, TwitterProperties twitter) {
        Topology topology = new Topology(messaging.prefix(), messaging.deliveryLimit(), twitter.resetOnStart());
        Channel channel = rabbit.publishChannel();
        try {
            topology.declareEvents(channel);
        } finally {
            Rabbit.closeQuietly(channel);
        }
        rabbit.afterRecovery(() -> topology.redeclare(rabbit));
        return topology;
    }

    @Bean
    MessageTypes feedEvents() {
        return new MessageTypes(Arrays.asList(FeedEvent.class.getPermittedSubclasses()));
    }

    @Bean
    MessageCodec messageCodec(ObjectProvider<MessageTypes> types) {
        List<Class<?>> all = types.orderedStream().flatMap(t -> t.types().stream()).toList();
        return new MessageCodec(all);
    }

    @Bean
    FanOutTracker fanOutTracker() {
        return new FanOutTracker();
    }

    @Bean
    Consumers consumers(Rabbit rabbit, MessagingProperties settings, MessageCodec codec,
                        PlatformTransactionManager transactions, Publisher publisher, FanOutTracker tracker,
                        ObjectProvider<ObservationRegistry> observations) {
        return new Consumers(rabbit, settings, codec, new TransactionTemplate(transactions), publisher, tracker,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    Publisher publisher(Rabbit rabbit, MessageCodec codec, FanOutTracker tracker, ObjectProvider<ObservationRegistry> observations) {
        return new Publisher(rabbit, 4, codec, tracker, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }
}
