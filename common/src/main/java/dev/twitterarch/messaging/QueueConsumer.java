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
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionTemplate;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;

import dev.twitterarch.common.db.DatabaseOutage;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;

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
 *       rows that no longer exist) goes there at once. A message whose handling kills the process
 *       is counted by the broker instead ({@link Topology}: quorum queues with a delivery limit);</li>
 *   <li>an outage is not a failure: while PostgreSQL or RabbitMQ cannot be reached, the consumer
 *       holds the message in hand and tries it again (backing off up to {@link #HOLD_AT_MOST}),
 *       counting no attempt against it, so an outage dead-letters nothing;</li>
 *   <li>it survives the broker: when its channel dies (a broker restart, a network cut) it
 *       subscribes again by itself once the connection is back, and drops the deliveries of the
 *       dead channel (the broker gives them to whoever consumes next);</li>
 *   <li>it starts carefully: every subscription (at start, after a recovery) takes one message at
 *       a time until it meets a message that was not delivered before, then the full prefetch. A
 *       message that killed the worker comes back first, among the others the dead worker held;
 *       taken alone, it is the only one charged a delivery when it kills the next worker too, so
 *       only it reaches the delivery limit;</li>
 *   <li>graceful stop: stop taking messages, finish and acknowledge the one in hand, then close the
 *       channel, which returns every prefetched, unacknowledged message to the queue;</li>
 *   <li>with {@code messages-per-transaction} above 1 (step 5 on), the messages already delivered
 *       are handled together, up to that many, in one transaction and one commit; if that
 *       transaction fails, each is handled again on its own, with the rules above.</li>
 *   <li>each message is handled in an observation of its own ({@code twitter.messaging.consume});
 *       with a tracer that is a consumer span continuing the trace whose context the message
 *       carries in its headers ({@link Publisher}), so one trace follows a tweet through every queue.</li>
 * </ul>
 * Deliveries are handed from the client's dispatch thread to this consumer's own thread, which
 * can see how many have arrived, and which also (re)subscribes.
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
    /** The longest pause between two tries of a message held during an outage. */
    static final Duration HOLD_AT_MOST = Duration.ofSeconds(4);
    private static final Duration SUBSCRIBE_EVERY = Duration.ofSeconds(1);
    private static final Duration FINISH_IN_HAND = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(QueueConsumer.class);

    private final Rabbit rabbit;
    private final String queue;
    private final MessagingProperties settings;
    private final MessageCodec codec;
    private final Handler handler;
    private final TransactionTemplate transaction;
    private final Publisher publisher;
    private final FanOutTracker tracker;
    private final ObservationRegistry observations;

    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong resubscribed = new AtomicLong();
    private final BlockingQueue<Delivery> arrived = new LinkedBlockingQueue<>();
    /** Guards {@link #channel} and {@link #subscription}: the worker thread subscribes, stop() cancels. */
    private final Object subscribing = new Object();
    private volatile boolean stopping;
    private volatile boolean running;
    private Channel channel;
    private volatile Subscription subscription;
    private Thread worker;
    private long nextSubscribeAt;
    private boolean unsubscribedLogged;

    /** One {@code basic.consume}; its deliveries can be settled only while its channel lives. */
    private final class Subscription extends DefaultConsumer {

        final boolean careful;
        volatile boolean channelAlive = true;
        volatile boolean cancelledByBroker;
        volatile String tag;

        Subscription(Channel channel, boolean careful) {
            super(channel);
            this.careful = careful;
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            arrived.add(new Delivery(this, envelope, properties, body));
        }

        @Override
        public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
            channelAlive = false; // whatever it delivered is back in the queue
        }

        @Override
        public void handleCancel(String consumerTag) {
            cancelledByBroker = true; // the queue was deleted, or its leader moved
        }

        boolean consuming() {
            return channelAlive && !cancelledByBroker;
        }
    }

    /** One message as it arrived, with the subscription (and so the channel) its delivery tag belongs to. */
    private record Delivery(Subscription from, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {

        long tag() {
            return envelope.getDeliveryTag();
        }

        Channel channel() {
            return from.getChannel();
        }

        /** False once its channel died: the broker has the message back, and settling it here means nothing. */
        boolean current() {
            return from.channelAlive;
        }
    }

    /** A message being handled: the tracer reads the trace context from its headers. */
    private static final class Receiving extends ReceiverContext<Map<String, Object>> {
        Receiving(Map<String, Object> headers) {
            super((carrier, key) -> {
                Object value = carrier.get(key);
                return value == null ? null : value.toString(); // AMQP hands strings over as LongStrings
            });
            setCarrier(headers == null ? Map.of() : headers);
        }
    }

    /** PostgreSQL or RabbitMQ cannot be reached: not this message's fault. */
    private static final class Outage extends Exception {
        Outage(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    public QueueConsumer(Rabbit rabbit, String queue, MessagingProperties settings, MessageCodec codec, Handler handler,
                         TransactionTemplate transaction, Publisher publisher, FanOutTracker tracker,
                         ObservationRegistry observations) {
        this.rabbit = rabbit;
        this.queue = queue;
        this.settings = settings;
        this.codec = codec;
        this.handler = handler;
        this.transaction = transaction;
        this.publisher = publisher;
        this.tracker = tracker;
        this.observations = observations;
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

    /** How often this consumer subscribed again after its channel died. */
    public long resubscribed() {
        return resubscribed.get();
    }

    /** True while the broker delivers to this consumer (false during an outage, until it has subscribed again). */
    public boolean consuming() {
        Subscription current = subscription;
        return current != null && current.consuming();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        stopping = false;
        arrived.clear(); // left over from a previous run: their channel is closed, the broker has them back
        try {
            subscribe(true);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot consume " + queue + ": " + e.getMessage(), e);
        }
        running = true;
        worker = new Thread(this::work, "consumer-" + queue);
        worker.start();
        log.info("consuming {} (prefetch {}, up to {} per transaction, {} attempts before dead-lettering, {} deliveries"
                        + " without an outcome before the broker dead-letters)", queue, settings.prefetch(),
                settings.messagesPerTransaction(), settings.maxAttempts(), settings.deliveryLimit());
    }

    /**
     * Subscribes, on the current channel or a new one: carefully (one message at a time) or with the
     * full prefetch. A careful subscription that is replaced is cancelled after its replacement
     * exists; the message it holds can still be settled on the channel they share.
     */
    private void subscribe(boolean careful) throws IOException {
        synchronized (subscribing) {
            if (stopping) {
                return;
            }
            if (channel == null || closedForGood(channel)) {
                Rabbit.closeInBackground(channel);
                channel = null;
                channel = rabbit.consumeChannel();
            }
            if (!channel.isOpen()) {
                throw new IOException("the channel is not open again yet");
            }
            channel.basicQos(careful ? 1 : settings.prefetch());
            Subscription next = new Subscription(channel, careful);
            // told by the connection's own thread when the channel dies: handleShutdownSignal comes
            // through the channel's consumer dispatcher, which a broken connection can leave
            // waiting (the client logs "Consumer dispatcher ... didn't shutdown"), and a
            // subscription that never heard would look alive forever on its recovered channel,
            // where the broker no longer delivers to it (topology recovery is off)
            channel.addShutdownListener(signal -> next.channelAlive = false);
            next.tag = channel.basicConsume(queue, false, next);
            Subscription previous = subscription;
            subscription = next;
            if (previous != null) {
                cancel(previous);
            }
        }
    }

    /**
     * Closed by a channel error (or by us), or still closed although its connection is back: the
     * client reopens a channel only with its connection, so such a channel is replaced.
     */
    private boolean closedForGood(Channel channel) {
        ShutdownSignalException reason = channel.getCloseReason();
        return !channel.isOpen() && (reason == null || !reason.isHardError() || rabbit.consumingOpen());
    }

    private static void cancel(Subscription subscription) {
        if (subscription.tag == null || !subscription.getChannel().isOpen()) {
            return;
        }
        try {
            subscription.getChannel().basicCancel(subscription.tag);
        } catch (IOException | RuntimeException e) {
            // the channel went away meanwhile: nothing left to cancel
        }
    }

    private void work() {
        List<Delivery> batch = new ArrayList<>();
        while (!stopping || !arrived.isEmpty()) {
            try {
                Delivery first = arrived.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    keepSubscribed();
                    continue;
                }
                batch.clear();
                batch.add(first);
                arrived.drainTo(batch, settings.messagesPerTransaction() - 1);
                batch.removeIf(delivery -> !delivery.current());
                if (batch.isEmpty()) {
                    continue;
                }
                if (stopping) {
                    batch.forEach(this::giveBack);
                    continue;
                }
                widenIfPastRedeliveries(batch.get(0));
                if (batch.size() == 1) {
                    deliver(batch.get(0));
                } else {
                    deliverTogether(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("{}: unexpected failure in the consumer loop: {}", queue, e.toString(), e);
            }
        }
    }

    /** After a dead channel (an outage, a closed channel), subscribes again once the connection is back. */
    private void keepSubscribed() {
        Subscription current = subscription;
        if (stopping || (current != null && current.consuming()) || System.nanoTime() < nextSubscribeAt) {
            return;
        }
        nextSubscribeAt = System.nanoTime() + SUBSCRIBE_EVERY.toNanos();
        if (!unsubscribedLogged) {
            log.warn("{}: not consuming (channel closed or broker unreachable); subscribing again every {} s", queue,
                    SUBSCRIBE_EVERY.toSeconds());
            unsubscribedLogged = true;
        }
        try {
            subscribe(true);
            resubscribed.incrementAndGet();
            unsubscribedLogged = false;
            log.info("consuming {} again", queue);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: cannot subscribe yet: {}", queue, e.toString());
        }
    }

    /** A careful subscription meeting a fresh message has seen the redeliveries through: take the full prefetch again. */
    private void widenIfPastRedeliveries(Delivery delivery) {
        if (!delivery.from().careful || delivery.envelope().isRedeliver() || delivery.from() != subscription) {
            return;
        }
        try {
            subscribe(false);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: staying at one message at a time for now: {}", queue, e.toString());
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
            transaction.executeWithoutResult(status -> {
                for (int i = 0; i < messages.size(); i++) {
                    Object message = messages.get(i);
                    consuming(readable.get(i)).observe(() -> handler.handle(message));
                }
            });
        } catch (RuntimeException e) {
            log.debug("{}: a transaction of {} messages failed ({}); handling them one by one", queue, readable.size(), e.toString());
            for (Delivery delivery : readable) {
                if (stopping) {
                    giveBack(delivery); // not in hand yet: the next consumer has it
                } else {
                    deliver(delivery);
                }
            }
            return;
        }
        for (Delivery delivery : readable) {
            settle(delivery, () -> {
                delivery.channel().basicAck(delivery.tag(), false);
                handled.incrementAndGet();
            });
        }
    }

    /** Returns a delivery this consumer will not handle (it is stopping) to the queue, as "not handled" rather than "failed". */
    private void giveBack(Delivery delivery) {
        if (!delivery.current()) {
            return; // a closed channel has returned it to the queue already
        }
        try {
            delivery.channel().basicNack(delivery.tag(), false, true);
        } catch (IOException | RuntimeException e) {
            log.warn("{}: could not return delivery {}: {}", queue, delivery.tag(), e.toString());
        }
    }

    /**
     * Handles one delivery and settles it on the channel it came on: delivery tags mean something
     * only there. During an outage the message stays in hand and is tried again, until it goes
     * through, its channel dies (the broker has it back) or the consumer stops (it is given back).
     */
    private void deliver(Delivery delivery) {
        long heldSince = 0;
        Duration pause = Duration.ofMillis(500);
        while (delivery.current()) {
            try {
                attempt(delivery);
                if (heldSince != 0) {
                    log.info("{}: the outage is over; the message held for {} ms went through", queue,
                            Duration.ofNanos(System.nanoTime() - heldSince).toMillis());
                }
                return;
            } catch (Outage outage) {
                if (heldSince == 0) {
                    heldSince = System.nanoTime();
                    log.warn("{}: {}; holding the message and trying again (no attempt is counted against it)", queue,
                            outage.getMessage());
                }
                if (!pause(pause, () -> stopping || !delivery.current())) {
                    if (stopping) {
                        giveBack(delivery);
                    }
                    return;
                }
                pause = pause.multipliedBy(2).compareTo(HOLD_AT_MOST) > 0 ? HOLD_AT_MOST : pause.multipliedBy(2);
            }
        }
    }

    /** Waits {@code duration}; false if {@code abandon} came true first. */
    private static boolean pause(Duration duration, BooleanSupplier abandon) {
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < until) {
            if (abandon.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !abandon.getAsBoolean();
    }

    private void attempt(Delivery delivery) throws Outage {
        AMQP.BasicProperties properties = delivery.properties();
        byte[] body = delivery.body();
        Object message;
        try {
            message = codec.decode(properties.getType(), body);
        } catch (MessageCodec.Unreadable e) {
            deadLetter(delivery, e.getMessage());
            return;
        }
        Observation consume = consuming(delivery).start(); // the retry's publish and the after-commit work are part of it
        try (Observation.Scope scope = consume.openScope()) {
            try {
                transaction.executeWithoutResult(status -> handler.handle(message));
            } catch (DataIntegrityViolationException e) {
                consume.error(e);
                deadLetter(delivery, "refers to rows that do not exist: " + e.getMostSpecificCause().getMessage());
                return;
            } catch (RuntimeException e) {
                consume.error(e);
                if (isOutage(e)) {
                    throw new Outage(e);
                }
                retryOrDeadLetter(delivery, message, e);
                return;
            }
            settle(delivery, () -> {
                delivery.channel().basicAck(delivery.tag(), false);
                handled.incrementAndGet();
            });
        } finally {
            consume.stop();
        }
    }

    private Observation consuming(Delivery delivery) {
        return Observation.createNotStarted("twitter.messaging.consume", () -> new Receiving(delivery.properties().getHeaders()),
                        observations)
                .contextualName("consume " + queue)
                .lowCardinalityKeyValue("messaging.destination.name", queue);
    }

    private static boolean isOutage(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof Publisher.Unconfirmed) {
                return true;
            }
        }
        return DatabaseOutage.causedBy(e);
    }

    private interface Settlement {
        void run() throws IOException;
    }

    /** Acks or rejects on the delivery's channel, if it still lives; a broken channel means the broker redelivers. */
    private void settle(Delivery delivery, Settlement settlement) {
        if (!delivery.current()) {
            return;
        }
        try {
            settlement.run();
            tracker.addSettled();
        } catch (IOException | RuntimeException e) {
            log.warn("{}: could not settle delivery {} (it will be redelivered): {}", queue, delivery.tag(), e.toString());
        }
    }

    private void retryOrDeadLetter(Delivery delivery, Object message, RuntimeException failure) throws Outage {
        AMQP.BasicProperties properties = delivery.properties();
        int attempt = attemptOf(properties);
        if (attempt >= settings.maxAttempts()) {
            log.error("{}: attempt {} of {} failed", queue, attempt, settings.maxAttempts(), failure);
            deadLetter(delivery, "failed " + attempt + " times: " + failure);
            return;
        }
        log.warn("{}: attempt {} of {} failed, will retry: {}", queue, attempt, settings.maxAttempts(), oneLine(failure));
        Map<String, Object> headers = new HashMap<>(properties.getHeaders() == null ? Map.of() : properties.getHeaders());
        headers.remove("x-delivery-count"); // the broker's count of this copy's deliveries, not the new one's
        headers.put(ATTEMPT_HEADER, attempt + 1);
        try {
            publisher.publish(new Publisher.Outgoing("", queue, message, headers)); // to the back of this same queue
        } catch (Publisher.Unconfirmed e) {
            throw new Outage(e);
        }
        settle(delivery, () -> {
            delivery.channel().basicAck(delivery.tag(), false);
            retried.incrementAndGet();
        });
    }

    private void deadLetter(Delivery delivery, String reason) {
        log.error("{}: dead-lettering message {}: {}", queue, abbreviate(delivery.body()), reason);
        settle(delivery, () -> {
            delivery.channel().basicReject(delivery.tag(), false);
            deadLettered.incrementAndGet();
        });
    }

    /**
     * A failure in one line: its class and its deepest cause's message, whitespace collapsed (a JDBC
     * exception's message holds the whole multi-line statement; the cause says what went wrong).
     */
    static String oneLine(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage()).replaceAll("\\s+", " ").strip();
        return cause == failure ? failure.getClass().getSimpleName() + ": " + message
                : failure.getClass().getSimpleName() + " (" + cause.getClass().getSimpleName() + ": " + message + ")";
    }

    private static int attemptOf(AMQP.BasicProperties properties) {
        Object attempt = properties.getHeaders() == null ? null : properties.getHeaders().get(ATTEMPT_HEADER);
        return attempt instanceof Number number ? number.intValue() : 1;
    }

    private static String abbreviate(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /**
     * Cancels the subscription (no new deliveries), lets the message in hand finish (for at most
     * 30 s), hands back what was prefetched and closes the channel. Bounded while the broker or the
     * database is down: cancelling a dead channel is skipped, a held message is given back.
     */
    @Override
    public void stop() {
        Thread consumerThread;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            stopping = true;
            consumerThread = worker;
        }
        Subscription current;
        synchronized (subscribing) {
            current = subscription;
            subscription = null;
        }
        if (current != null) {
            cancel(current);
        }
        // A quorum queue still counts a cancelled consumer while it holds unacknowledged messages,
        // so this line, not the queue's consumer count, tells that the cancel has happened.
        log.info("{}: stopping: consumer cancelled, finishing the message in hand", queue);
        try {
            consumerThread.join(FINISH_IN_HAND.toMillis()); // the message(s) in hand finish, commit and are acked
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (subscribing) {
            Rabbit.closeQuietly(channel);
            channel = null;
        }
        log.info("stopped consuming {} after {} messages ({} retried, {} dead-lettered)", queue, handled, retried, deadLettered);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
