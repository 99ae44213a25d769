package dev.twitterarch.step6;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;

import dev.twitterarch.messaging.Rabbit;

/**
 * The receiving side of live delivery, one per API process: a queue of the process's own, bound
 * to the keys of the readers connected to it ({@link #bind}, counted: two readers who follow one celebrity
 * share a binding), consumed here and handed to {@link LiveSessions}.
 *
 * <p>The queue is exclusive and auto-deleted: it lives as long as this process's connection, and
 * so do its readers' sockets. The seed gave every user a durable queue of their own instead; see
 * the README for why this repository does not: a durable queue per user is a queue per account
 * (millions, each an Erlang process, most of them for users who are offline, filling up with events
 * nobody will read), while a queue per process costs one queue per API process and one binding per
 * connected reader, and a reader who was away reads their feed, which is the truth. Its length is
 * bounded ({@code twitter.live.queue-length}, oldest dropped).
 *
 * <p>When the broker connection is lost, the queue is gone with every binding: the subscription
 * says so ({@link #ready()} is false; the sockets are closed, see {@link LiveSessions}), and once the
 * connection is back it declares a fresh queue and consumes again; readers who reconnect bind anew.
 */
class LiveSubscription implements SmartLifecycle, LiveSessions.Bindings {

    private static final Logger log = LoggerFactory.getLogger(LiveSubscription.class);

    /** A delivery: its routing key, its AMQP type, its body. */
    interface Receiver {
        void receive(String routingKey, String type, byte[] body);
    }

    private final Rabbit rabbit;
    private final String exchange;
    private final LiveSettings settings;
    private final Map<String, Integer> bindings = new HashMap<>();
    private Receiver receiver;
    private Runnable onLost = () -> { };
    private Channel channel;
    private volatile String queue;
    private volatile boolean running;

    LiveSubscription(Rabbit rabbit, String exchange, LiveSettings settings) {
        this.rabbit = rabbit;
        this.exchange = exchange;
        this.settings = settings;
    }

    /** Who gets the deliveries, and who hears that the connection (and so every binding) is lost. */
    void deliverTo(Receiver receiver, Runnable onLost) {
        this.receiver = receiver;
        this.onLost = onLost;
    }

    /** True while the queue exists and is consumed: a socket opened now will get its readers' events. */
    boolean ready() {
        return running && queue != null && channel != null && channel.isOpen();
    }

    /** One more socket wants the events of this key. */
    @Override
    public synchronized void bind(String routingKey) throws IOException {
        int count = bindings.getOrDefault(routingKey, 0);
        if (count == 0) {
            requireQueue().queueBind(queue, exchange, routingKey);
        }
        bindings.put(routingKey, count + 1);
    }

    /** One socket fewer wants them; the last one takes the binding away. */
    @Override
    public synchronized void unbind(String routingKey) {
        Integer count = bindings.get(routingKey);
        if (count == null) {
            return;
        }
        if (count > 1) {
            bindings.put(routingKey, count - 1);
            return;
        }
        bindings.remove(routingKey);
        if (ready()) {
            try {
                channel.queueUnbind(queue, exchange, routingKey);
            } catch (IOException | RuntimeException e) {
                log.debug("live: could not unbind {}: {}", routingKey, e.toString());
            }
        }
    }

    synchronized int bindingCount() {
        return bindings.size();
    }

    private Channel requireQueue() throws IOException {
        if (!ready()) {
            throw new IOException("live delivery has no queue now (RabbitMQ at " + rabbit.address() + " unreachable)");
        }
        return channel;
    }

    @Override
    public synchronized void start() {
        running = true;
        open();
    }

    private synchronized void open() {
        channel = rabbit.consumeChannel();
        ((Recoverable) channel).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recovered) {
                subscribe("live delivery: RabbitMQ is back, a new queue is consumed");
            }

            @Override
            public void handleRecoveryStarted(Recoverable recovering) {
            }
        });
        channel.addShutdownListener(this::lost);
        subscribe(null);
    }

    private synchronized void subscribe(String logLine) {
        if (!running) {
            return;
        }
        try {
            bindings.clear(); // a fresh queue has none; the readers who connect from now on bind theirs
            queue = channel.queueDeclare("", false, true, true, Map.of(
                    "x-queue-type", "classic", "x-max-length", settings.queueLength(), "x-overflow", "drop-head")).getQueue();
            channel.queueBind(queue, exchange, LiveRoutes.CELEBRITIES);
            channel.basicQos(500);
            channel.basicConsume(queue, false, "live", new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                        throws IOException {
                    try {
                        receiver.receive(envelope.getRoutingKey(), properties.getType(), body);
                    } catch (RuntimeException e) {
                        log.warn("live: an event for {} was not delivered: {}", envelope.getRoutingKey(), e.toString());
                    }
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                }
            });
            if (logLine != null) {
                log.info(logLine);
            }
        } catch (IOException | RuntimeException e) {
            queue = null;
            log.warn("live delivery: cannot consume a queue of its own ({}); sockets are refused until RabbitMQ is back", e.toString());
        }
    }

    private void lost(ShutdownSignalException cause) {
        if (cause.isInitiatedByApplication() || !running) {
            return;
        }
        synchronized (this) {
            queue = null;
            bindings.clear();
        }
        log.warn("live delivery: its RabbitMQ channel is closed ({}); the live sockets are closed", Rabbit.reason(cause));
        onLost.run();
        if (!cause.isHardError()) {
            // a channel error (the connection is fine): the client never reopens such a channel, so open another
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    open();
                } catch (RuntimeException e) {
                    log.warn("live delivery: cannot open a channel again: {}", e.toString());
                }
            });
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        queue = null;
        Rabbit.closeQuietly(channel);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the sockets' web server stops, after the broker connection is up. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
