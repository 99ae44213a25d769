package dev.twitterarch.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * The process's two connections to RabbitMQ: one to publish, one to consume, as RabbitMQ
 * recommends (a consumer connection is never blocked by the broker's publish flow control).
 * Both recover by themselves after a network failure.
 */
public class Rabbit implements AutoCloseable {

    private final Connection publishing;
    private final Connection consuming;

    public Rabbit(RabbitSettings settings, String clientName) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        factory.setVirtualHost(settings.virtualHost());
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        try {
            this.publishing = factory.newConnection(clientName + "-publish");
            this.consuming = factory.newConnection(clientName + "-consume");
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to RabbitMQ at " + settings.host() + ":" + settings.port()
                    + " (spring.rabbitmq.*): " + e.getMessage(), e);
        }
    }

    public Channel publishChannel() {
        return open(publishing);
    }

    public Channel consumeChannel() {
        return open(consuming);
    }

    private Channel probe;

    /** Messages ready in a queue (not counting those delivered and not yet acknowledged). */
    public synchronized long depth(String queue) {
        try {
            if (probe == null || !probe.isOpen()) {
                probe = publishChannel();
            }
            return probe.messageCount(queue);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the depth of " + queue, e);
        }
    }

    private static Channel open(Connection connection) {
        try {
            return connection.createChannel();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        consuming.close();
        publishing.close();
    }
}
