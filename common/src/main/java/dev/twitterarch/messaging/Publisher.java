package dev.twitterarch.messaging;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;

/**
 * Publishes persistent messages and waits for the broker's confirm, so a message counts as sent
 * only once RabbitMQ has taken responsibility for it. Channels are not thread-safe, so concurrent
 * requests borrow one from a small pool.
 */
public class Publisher {

    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    /** One message to send: where to, and what. */
    public record Outgoing(String exchange, String routingKey, Object message, Map<String, Object> headers) {

        public Outgoing(String exchange, String routingKey, Object message) {
            this(exchange, routingKey, message, Map.of());
        }
    }

    private final Rabbit rabbit;
    private final BlockingQueue<Channel> channels;
    private final MessageCodec codec;
    private final FanOutTracker tracker;

    public Publisher(Rabbit rabbit, int poolSize, MessageCodec codec, FanOutTracker tracker) {
        this.rabbit = rabbit;
        this.channels = new ArrayBlockingQueue<>(poolSize);
        this.codec = codec;
        this.tracker = tracker;
        for (int i = 0; i < poolSize; i++) {
            channels.add(confirmChannel());
        }
    }

    private Channel confirmChannel() {
        Channel channel = rabbit.publishChannel();
        try {
            channel.confirmSelect();
        } catch (IOException e) {
            throw new IllegalStateException("cannot enable publisher confirms", e);
        }
        return channel;
    }

    /** Sends all messages, then waits once for the broker to confirm them all. */
    public void publish(List<Outgoing> messages) {
        if (messages.isEmpty()) {
            return;
        }
        Channel channel = borrow();
        try {
            for (Outgoing out : messages) {
                AMQP.BasicProperties properties = MessageProperties.PERSISTENT_BASIC.builder()
                        .contentType("application/json")
                        .type(MessageCodec.typeOf(out.message()))
                        .headers(out.headers())
                        .build();
                channel.basicPublish(out.exchange(), out.routingKey(), properties, codec.encode(out.message()));
            }
            if (!channel.waitForConfirms(CONFIRM_TIMEOUT.toMillis())) {
                throw new IllegalStateException("RabbitMQ refused (nacked) a batch of " + messages.size() + " message(s)");
            }
            tracker.addPublished(messages.size());
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("RabbitMQ did not confirm " + messages.size() + " message(s): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for publisher confirms", e);
        } finally {
            channels.add(channel.isOpen() ? channel : confirmChannel());
        }
    }

    public void publish(Outgoing message) {
        publish(List.of(message));
    }

    /**
     * Publishes once the surrounding database transaction has committed, so a worker never sees a
     * message about rows it cannot read yet. If the process dies between the commit and this
     * publish, the message is lost: the weakness step 5's transactional outbox removes.
     */
    public void publishAfterCommit(Outgoing message, Consumer<RuntimeException> onFailure) {
        AfterCommit.run(() -> {
            try {
                publish(message);
            } catch (RuntimeException e) {
                onFailure.accept(e);
            }
        });
    }

    private Channel borrow() {
        try {
            return channels.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
