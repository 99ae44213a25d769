package dev.twitterarch.compare.broker;

import java.util.List;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Deletes the queues and exchanges a comparison run made (their names start with the run's prefix),
 * so runs leave no durable queues behind. compare.sh lists the names with rabbitmqctl (the broker
 * has no management API here) and hands them over.
 */
public final class BrokerCleanup {

    private BrokerCleanup() {
    }

    public static int delete(String host, int port, String prefix, List<String> queues, List<String> exchanges) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        int deleted = 0;
        try (Connection connection = factory.newConnection("compare-cleanup"); Channel channel = connection.createChannel()) {
            for (String queue : queues) {
                if (queue.startsWith(prefix)) {
                    channel.queueDelete(queue);
                    deleted++;
                }
            }
            for (String exchange : exchanges) {
                if (exchange.startsWith(prefix)) {
                    channel.exchangeDelete(exchange);
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
