package dev.twitterarch.messaging;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.SenderContext;

/**
 * Publishes persistent messages and waits for the broker's confirm, so a message counts as sent
 * only once RabbitMQ has taken responsibility for it. Channels are not thread-safe, so concurrent
 * requests borrow one from a small pool.
 *
 * <p>Every publish is bounded in time, and the pool never shrinks: a publish waits at most
 * {@link #WAIT} for a free channel and at most as long again for the confirm, and while the broker
 * is unreachable it fails at once ({@link Unconfirmed}). A channel whose state is unknown (its
 * confirm timed out, was refused, or its connection broke) is closed and its slot left empty; the
 * next borrower of that slot opens a fresh channel, once the connection is back.
 *
 * <p>Every message is sent in an observation of its own ({@code twitter.messaging.publish}); with a
 * tracer, that is a producer span whose context travels in the message's headers (W3C
 * {@code traceparent}), so the consumer's work continues the same trace ({@link QueueConsumer}).
 * Without one (steps 3-4 have no tracer) the observations are no-ops.
 */
public class Publisher {

    /** At most this long for a free channel, and again at most this long for the broker's confirm. */
    public static final Duration WAIT = Duration.ofSeconds(5);

    /**
     * One message to send: where to, and what; {@code parent} is the observation whose work it is
     * (its trace), null for the current one.
     */
    public record Outgoing(String exchange, String routingKey, Object message, Map<String, Object> headers,
                           Observation parent) {

        public Outgoing(String exchange, String routingKey, Object message, Map<String, Object> headers) {
            this(exchange, routingKey, message, headers, null);
        }

        public Outgoing(String exchange, String routingKey, Object message) {
            this(exchange, routingKey, message, Map.of(), null);
        }

        /** The same message, sent as part of {@code parent}'s work rather than the current one. */
        public Outgoing within(Observation parent) {
            return new Outgoing(exchange, routingKey, message, headers, parent);
        }
    }

    /** A message on its way: the tracer writes the trace context into its headers. */
    private static final class Sending extends SenderContext<Map<String, Object>> {
        Sending(Map<String, Object> headers) {
            super(Map::put);
            setCarrier(headers);
        }
    }

    /**
     * The broker has not confirmed the messages: unreachable, too slow, or it refused them (a full
     * queue). Some of them may have arrived all the same, so whoever retries must be idempotent.
     */
    public static class Unconfirmed extends RuntimeException {
        Unconfirmed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A place in the pool; its channel is opened on first use and replaced when it breaks. */
    private static final class Slot {
        Channel channel;
    }

    private final Rabbit rabbit;
    private final BlockingQueue<Slot> slots;
    private final MessageCodec codec;
    private final FanOutTracker tracker;
    private final ObservationRegistry observations;

    public Publisher(Rabbit rabbit, int poolSize, MessageCodec codec, FanOutTracker tracker, ObservationRegistry observations) {
        this.rabbit = rabbit;
        this.slots = new ArrayBlockingQueue<>(poolSize);
        this.codec = codec;
        this.tracker = tracker;
        this.observations = observations;
        for (int i = 0; i < poolSize; i++) {
            Slot slot = new Slot();
            slot.channel = confirmChannel(); // at start the broker is there: fail now if it is not
            slots.add(slot);
        }
    }

    private Channel confirmChannel() {
        Channel channel = rabbit.publishChannel();
        try {
            channel.confirmSelect();
        } catch (IOException | ShutdownSignalException e) {
            Rabbit.closeInBackground(channel);
            throw new Unconfirmed("cannot enable publisher confirms: " + e, e);
        }
        return channel;
    }

    /** Sends all messages, then waits once for the broker to confirm them all. */
    public void publish(List<Outgoing> messages) {
        if (messages.isEmpty()) {
            return;
        }
        List<Observation> sends = new ArrayList<>(messages.size());
        try {
            sendAndConfirm(messages, sends);
        } catch (RuntimeException e) {
            sends.forEach(send -> send.error(e));
            throw e;
        } finally {
            sends.forEach(Observation::stop);
        }
    }

    private void sendAndConfirm(List<Outgoing> messages, List<Observation> sends) {
        Slot slot = borrow(messages.size());
        try {
            Channel channel = openIn(slot, messages.size());
            try {
                for (Outgoing out : messages) {
                    Map<String, Object> headers = new HashMap<>(out.headers());
                    sends.add(sending(out, headers));
                    AMQP.BasicProperties properties = MessageProperties.PERSISTENT_BASIC.builder()
                            .contentType("application/json")
                            .type(MessageCodec.typeOf(out.message()))
                            .headers(headers)
                            .build();
                    channel.basicPublish(out.exchange(), out.routingKey(), properties, codec.encode(out.message()));
                }
                if (!channel.waitForConfirms(WAIT.toMillis())) {
                    discard(slot);
                    throw new Unconfirmed("RabbitMQ refused (nacked) a batch of " + messages.size() + " message(s)", null);
                }
                tracker.addPublished(messages.size());
            } catch (IOException | TimeoutException | ShutdownSignalException e) {
                discard(slot);
                throw new Unconfirmed("RabbitMQ did not confirm " + messages.size() + " message(s) within " + WAIT.toSeconds()
                        + " s: " + e, e);
            } catch (InterruptedException e) {
                discard(slot);
                Thread.currentThread().interrupt();
                throw new Unconfirmed("interrupted while waiting for publisher confirms", e);
            }
        } finally {
            slots.add(slot); // never throws: the queue has room for every slot
        }
    }

    /** Starts the message's observation; its trace context goes into {@code headers}. */
    private Observation sending(Outgoing out, Map<String, Object> headers) {
        String destination = out.exchange().isEmpty() ? out.routingKey() : out.exchange();
        Observation send = Observation.createNotStarted("twitter.messaging.publish", () -> new Sending(headers), observations)
                .contextualName("publish " + destination)
                .lowCardinalityKeyValue("messaging.destination.name", destination)
                .highCardinalityKeyValue("messaging.rabbitmq.destination.routing_key", out.routingKey());
        if (out.parent() != null) {
            send.parentObservation(out.parent());
        }
        return send.start();
    }

    public void publish(Outgoing message) {
        publish(List.of(message));
    }

    /** False while the connection to RabbitMQ is known to be down (it is reconnecting). */
    public boolean brokerReachable() {
        return rabbit.publishingOpen();
    }

    /**
     * Publishes once the surrounding database transaction has committed, so a worker never sees a
     * message about rows it cannot read yet. If the process dies between the commit and this
     * publish, or RabbitMQ cannot take it, the message is lost (and {@code onFailure} hears of it):
     * the weakness step 5's transactional outbox removes.
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

    private Slot borrow(int count) {
        try {
            Slot slot = slots.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (slot == null) {
                throw new Unconfirmed("no publishing channel free within " + WAIT.toSeconds() + " s for " + count
                        + " message(s)", null);
            }
            return slot;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unconfirmed("interrupted while waiting for a publishing channel", e);
        }
    }

    /**
     * The slot's channel, opened if it has none. A channel whose connection is down recovers with
     * it (the client reopens it, confirms on), so it stays in its slot; until then publishing fails
     * at once instead of waiting for a confirm that cannot come.
     */
    private Channel openIn(Slot slot, int count) {
        if (slot.channel != null && !slot.channel.isOpen() && (rabbit.publishingOpen()
                || slot.channel.getCloseReason() == null || !slot.channel.getCloseReason().isHardError())) {
            discard(slot); // closed by a channel error, or still closed with its connection back: never reopened by the client
        }
        if (slot.channel == null) {
            try {
                slot.channel = confirmChannel();
            } catch (RuntimeException e) {
                throw new Unconfirmed("RabbitMQ at " + rabbit.address() + " is unreachable; " + count
                        + " message(s) not sent: " + e.getMessage(), e);
            }
        }
        if (!slot.channel.isOpen()) {
            throw new Unconfirmed("RabbitMQ at " + rabbit.address() + " is unreachable (reconnecting); " + count
                    + " message(s) not sent", slot.channel.getCloseReason());
        }
        return slot.channel;
    }

    /** Empties the slot; the channel is closed in the background (on a dead connection that may take a while). */
    private static void discard(Slot slot) {
        Rabbit.closeInBackground(slot.channel);
        slot.channel = null;
    }
}
