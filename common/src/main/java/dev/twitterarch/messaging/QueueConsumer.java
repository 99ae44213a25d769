package dev.twitterarch.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionTemplate;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

/**
 * Consumes one queue, one message at a time, with the delivery guarantees the lesson is about:
 * <ul>
 *   <li>the handler runs in a database transaction, and the message is acknowledged only after
 *       that commit: a crash before the ack means a redelivery, never a lost message (so handlers
 *       are idempotent);</li>
 *   <li>a bounded prefetch: the broker hands this consumer at most {@code prefetch} messages at once;</li>
 *   <li>a failing message is retried by re-publishing it to the back of the queue with an attempt
 *       count (it does not block the messages behind it), and after {@code maxAttempts} it is
 *       rejected into the dead-letter queue; a message that can never succeed (unreadable, or about
 *       rows that no longer exist) goes there at once;</li>
 *   <li>graceful stop: stop taking messages, finish and acknowledge the one in hand, then close the
 *       channel, which returns every prefetched, unacknowledged message to the queue;</li>
 *   <li>with {@code messages-per-transaction} above 1 (step 5 on), the messages already delivered
 *       are handled together, up to that many, in one transaction and one commit; if that
 *       transaction fails, each is handled again on its own, with the rules above.</li>
 * </ul>
 * Deliveries are handed from the client's dispatch thread to this consumer's own thread, which
 * can see how many have arrived.
 */
public class QueueConsumer implements SmartLifecycle {

    /** What a queue's messages are for; runs inside the consumer's transaction. */
    @FunctionalInterface
    public interface Handler {
        void handle(Object message);

        /** The message as the type this handler expects; any other is a failure (retried, then dead-lettered). */
        static <T> T expect(Class<T> type, Object message) {
            if (!type.isInstance(message)) {
                throw new IllegalArgumentException("expected a " + type.getSimpleName() + ", got " + message.getClass().getSimpleName());
            }
            return type.cast(message);
        }
    }

    static final String ATTEMPT_HEADER = "x-attempt";
    private static final Logger log = LoggerFactory.getLogger(QueueConsumer.class);

    private final Rabbit rabbit;
    private final String queue;
    private final MessagingProperties settings;
    private final MessageCodec codec;
    private final Handler handler;
    private final TransactionTemplate transaction;
    private final Publisher publisher;
    private final FanOutTracker tracker;

    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final BlockingQueue<Delivery> arrived = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private volatile Channel channel;
    private volatile String consumerTag;
    private Thread worker;

    /** One message as it arrived, with the channel its delivery tag belongs to. */
    private record Delivery(Channel channel, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {

        long tag() {
            return envelope.getDeliveryTag();
        }
    }

    public QueueConsumer(Rabbit rabbit, String queue, MessagingProperties settings, MessageCodec codec, Handler handler,
                         TransactionTemplate transaction, Publisher publisher, FanOutTracker tracker) {
        this.rabbit = rabbit;
        this.queue = queue;
        this.settings = settings;
        this.codec = codec;
        this.handler = handler;
        this.transaction = transaction;
        this.publisher = publisher;
        this.tracker = tracker;
    }

    public String queue() {
        return queue;
    }

    public long handled() {
        return handled.get();
    }

    public long retried() {
        return retried.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    @Override
    public synchronized void start() {
        stopping = false;
        arrived.clear(); // left over from a previous run: their channel is closed, the broker has them back
        Channel opened = rabbit.consumeChannel();
        try {
            opened.basicQos(settings.prefetch());
            channel = opened;
            consumerTag = opened.basicConsume(queue, false, new DefaultConsumer(opened) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    arrived.add(new Delivery(getChannel(), envelope, properties, body));
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot consume " + queue + ": " + e.getMessage(), e);
        }
        worker = new Thread(this::work, "consumer-" + queue);
        worker.start();
        log.info("consuming {} (prefetch {}, up to {} per transaction, {} attempts before dead-lettering)", queue,
                settings.prefetch(), settings.messagesPerTransaction(), settings.maxAttempts());
    }

    private void work() {
        List<Delivery> batch = new ArrayList<>();
        while (!stopping || !arrived.isEmpty()) {
            try {
                Delivery first = arrived.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                arrived.drainTo(batch, settings.messagesPerTransaction() - 1);
                if (stopping) {
                    batch.forEach(this::giveBack);
                } else if (batch.size() == 1) {
                    deliver(first);
                } else {
                    deliverTogether(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Handles several deliveries in one transaction; if it fails, handles each on its own. */
    private void deliverTogether(List<Delivery> batch) {
        List<Delivery> readable = new ArrayList<>();
        List<Object> messages = new ArrayList<>();
        for (Delivery delivery : batch) {
            try {
                messages.add(codec.decode(delivery.properties().getType(), delivery.body()));
                readable.add(delivery);
            } catch (MessageCodec.Unreadable e) {
                deliver(delivery); // dead-letters it, with the reason
            }
        }
        try {
            transaction.executeWithoutResult(status -> messages.forEach(handler::handle));
        } catch (RuntimeException e) {
            log.debug("{}: a transaction of {} messages failed ({}); handling them one by one", queue, readable.size(), e.toString());
            readable.forEach(this::deliver);
            return;
        }
        for (Delivery delivery : readable) {
            try {
                delivery.channel().basicAck(delivery.tag(), false);
                handled.incrementAndGet();
                tracker.addSettled();
            } catch (IOException | RuntimeException e) {
                log.warn("{}: could not settle delivery {}: {}", queue, delivery.tag(), e.toString());
            }
        }
    }

    /** Returns a delivery this consumer will not handle (it is stopping) to the queue. */
    private void giveBack(Delivery delivery) {
        try {
            if (delivery.channel().isOpen()) {
                delivery.channel().basicReject(delivery.tag(), true);
            } // a closed channel has returned it to the queue already
        } catch (IOException | RuntimeException e) {
            log.warn("{}: could not return delivery {}: {}", queue, delivery.tag(), e.toString());
        }
    }

    /**
     * Handles one delivery and settles it on the channel it came on: delivery tags mean something
     * only there (after a stop and a start, {@link #channel} is another channel).
     */
    private void deliver(Delivery delivery) {
        Channel channel = delivery.channel();
        AMQP.BasicProperties properties = delivery.properties();
        byte[] body = delivery.body();
        long tag = delivery.tag();
        try {
            if (!channel.isOpen()) {
                return; // a closed channel has returned it to the queue already
            }
            Object message;
            try {
                message = codec.decode(properties.getType(), body);
            } catch (MessageCodec.Unreadable e) {
                deadLetter(channel, tag, e.getMessage(), body);
                return;
            }
            try {
                transaction.executeWithoutResult(status -> handler.handle(message));
            } catch (DataIntegrityViolationException e) {
                deadLetter(channel, tag, "refers to rows that do not exist: " + e.getMostSpecificCause().getMessage(), body);
                return;
            } catch (RuntimeException e) {
                retryOrDeadLetter(channel, tag, message, properties, body, e);
                return;
            }
            channel.basicAck(tag, false);
            handled.incrementAndGet();
            tracker.addSettled();
        } catch (IOException | RuntimeException e) {
            // the channel or connection broke: the broker redelivers whatever was not acked
            log.warn("{}: could not settle delivery {}: {}", queue, tag, e.toString());
        }
    }

    private void retryOrDeadLetter(Channel channel, long tag, Object message, AMQP.BasicProperties properties, byte[] body, RuntimeException failure)
            throws IOException {
        int attempt = attemptOf(properties);
        if (attempt >= settings.maxAttempts()) {
            log.error("{}: attempt {} of {} failed", queue, attempt, settings.maxAttempts(), failure);
            deadLetter(channel, tag, "failed " + attempt + " times: " + failure, body);
            return;
        }
        log.warn("{}: attempt {} of {} failed, will retry: {}", queue, attempt, settings.maxAttempts(), failure.toString());
        Map<String, Object> headers = new HashMap<>(properties.getHeaders() == null ? Map.of() : properties.getHeaders());
        headers.put(ATTEMPT_HEADER, attempt + 1);
        publisher.publish(new Publisher.Outgoing("", queue, message, headers)); // to the back of this same queue
        channel.basicAck(tag, false);
        retried.incrementAndGet();
        tracker.addSettled();
    }

    private void deadLetter(Channel channel, long tag, String reason, byte[] body) throws IOException {
        log.error("{}: dead-lettering message {}: {}", queue, abbreviate(body), reason);
        channel.basicReject(tag, false);
        deadLettered.incrementAndGet();
        tracker.addSettled();
    }

    private static int attemptOf(AMQP.BasicProperties properties) {
        Object attempt = properties.getHeaders() == null ? null : properties.getHeaders().get(ATTEMPT_HEADER);
        return attempt instanceof Number number ? number.intValue() : 1;
    }

    private static String abbreviate(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    @Override
    public synchronized void stop() {
        if (channel == null) {
            return;
        }
        stopping = true;
        try {
            channel.basicCancel(consumerTag);
            worker.join(Duration.ofSeconds(30).toMillis()); // the message(s) in hand finish, commit and are acked
            channel.close();
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            log.warn("{}: closing the consumer: {}", queue, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel = null;
        log.info("stopped consuming {} after {} messages ({} retried, {} dead-lettered)", queue, handled, retried, deadLettered);
    }

    @Override
    public boolean isRunning() {
        return channel != null;
    }
}
