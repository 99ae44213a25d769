package dev.twitterarch.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.DefaultExceptionHandler;

/**
 * The process's two connections to RabbitMQ: one to publish, one to consume, as RabbitMQ
 * recommends (a consumer connection is never blocked by the broker's publish flow control).
 *
 * <p>Both recover by themselves when the broker goes away and comes back (a restart, a network
 * cut): the client reconnects every {@link #RECOVERY_INTERVAL} and reopens every channel, and
 * every wait on the broker is bounded (connect, handshake, RPCs, heartbeats), so no thread waits
 * on a dead connection for long. The client's own topology recovery is off: it re-declares
 * entities on the channels that first declared them, which may be closed by then, and logs a
 * {@code TopologyRecoveryException} for each. Instead the {@link Topology} declares everything
 * again after each recovery ({@link #afterRecovery}), and each {@link QueueConsumer} subscribes
 * again by itself.
 */
public class Rabbit implements AutoCloseable {

    /** How often a lost connection tries to come back. */
    public static final Duration RECOVERY_INTERVAL = Duration.ofSeconds(2);
    /** Heartbeats: a connection nobody answers on is declared dead after about two of these. */
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    /** Bound of every wait for the broker's answer: TCP connect, AMQP handshake, a channel's RPC. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(Rabbit.class);

    private final Connection publishing;
    private final Connection consuming;
    private final String address;
    private final List<Runnable> recoveryActions = new CopyOnWriteArrayList<>();

    public Rabbit(RabbitSettings settings, String clientName) {
        this.address = settings.host() + ":" + settings.port();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        factory.setVirtualHost(settings.virtualHost());
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(false);
        factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL.toMillis());
        factory.setRequestedHeartbeat((int) HEARTBEAT.toSeconds());
        factory.setConnectionTimeout((int) ANSWER_TIMEOUT.toMillis());
        factory.setHandshakeTimeout((int) ANSWER_TIMEOUT.toMillis());
        factory.setChannelRpcTimeout((int) ANSWER_TIMEOUT.toMillis());
        factory.setShutdownTimeout((int) ANSWER_TIMEOUT.toMillis());
        factory.setExceptionHandler(new OneLineExceptionHandler());
        try {
            this.publishing = factory.newConnection(clientName + "-publish");
            this.consuming = factory.newConnection(clientName + "-consume");
        } catch (IOException | TimeoutException e) {
            throw new BrokerUnreachableException(settings, e);
        }
        watch(publishing, "publishing");
        watch(consuming, "consuming");
        ((Recoverable) publishing).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recovered) {
                recoveryActions.forEach(Rabbit::runQuietly);
            }

            @Override
            public void handleRecoveryStarted(Recoverable recovering) {
            }
        });
    }

    /** Where the broker is, for messages. */
    public String address() {
        return address;
    }

    /** Runs {@code action} each time the publishing connection has come back (the topology declares itself again). */
    public void afterRecovery(Runnable action) {
        recoveryActions.add(action);
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("after the RabbitMQ connection came back: {}", e.toString());
        }
    }

    /** One line when a connection is lost, one when it is back: the outage, readable in the log. */
    private void watch(Connection connection, String name) {
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                log.warn("RabbitMQ {} connection to {} lost ({}); reconnecting every {} s", name, address,
                        reason(cause), RECOVERY_INTERVAL.toSeconds());
            }
        });
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recovered) {
                log.info("RabbitMQ {} connection to {} is back", name, address);
            }

            @Override
            public void handleRecoveryStarted(Recoverable recovering) {
            }
        });
    }

    public static String reason(ShutdownSignalException cause) {
        Object reason = cause.getReason();
        if (reason instanceof com.rabbitmq.client.AMQP.Connection.Close close) {
            return close.getReplyCode() + " " + close.getReplyText();
        }
        if (reason instanceof com.rabbitmq.client.AMQP.Channel.Close close) {
            return close.getReplyCode() + " " + close.getReplyText();
        }
        return cause.getCause() != null ? cause.getCause().toString() : String.valueOf(cause.getMessage());
    }

    public boolean isOpen() {
        return publishing.isOpen() && consuming.isOpen();
    }

    public Channel publishChannel() {
        return open(publishing);
    }

    public Channel consumeChannel() {
        return open(consuming);
    }

    boolean publishingOpen() {
        return publishing.isOpen();
    }

    boolean consumingOpen() {
        return consuming.isOpen();
    }

    private Channel probe;

    /** Messages ready in a queue (not counting those delivered and not yet acknowledged). */
    public synchronized long depth(String queue) {
        try {
            if (probe == null || !probe.isOpen()) {
                closeQuietly(probe);
                probe = publishChannel();
            }
            return probe.messageCount(queue);
        } catch (IOException | ShutdownSignalException e) {
            throw new UncheckedIOException("cannot read the depth of " + queue + " (RabbitMQ at " + address + ")",
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private Channel open(Connection connection) {
        if (!connection.isOpen()) {
            throw new UncheckedIOException(new IOException("RabbitMQ at " + address + " is unreachable (reconnecting)"));
        }
        try {
            Channel channel = connection.createChannel();
            if (channel == null) {
                throw new IOException("RabbitMQ at " + address + " has no channel left to give");
            }
            return channel;
        } catch (IOException | ShutdownSignalException e) {
            throw new UncheckedIOException(e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static final java.util.concurrent.ExecutorService CLOSER = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "rabbitmq-channel-closer");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Closes a channel on a background thread: closing waits for the broker's answer (up to 10 s in
     * the client), which a request thread must not do while the broker does not answer.
     */
    static void closeInBackground(Channel channel) {
        if (channel != null) {
            CLOSER.execute(() -> closeQuietly(channel));
        }
    }

    /** Closes a channel that may already be dead; on a recovering connection this also stops its recovery. */
    public static void closeQuietly(Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            // closed already, or the connection is down: either way it is gone
        }
    }

    /**
     * Closes both connections, waiting a bounded time for the broker: a connection that is down
     * (or black-holed) must not hold up the process's shutdown.
     */
    @Override
    public void close() {
        for (Connection connection : List.of(consuming, publishing)) {
            try {
                connection.close((int) ANSWER_TIMEOUT.toMillis());
            } catch (IOException | RuntimeException e) {
                connection.abort((int) ANSWER_TIMEOUT.toMillis());
            }
        }
    }

    /** Logs the client's connection-level failures as one line each (no stack trace) and recovery attempts at DEBUG. */
    private static final class OneLineExceptionHandler extends DefaultExceptionHandler {

        @Override
        public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
            log.warn("RabbitMQ connection {}: {}", connection.getClientProvidedName(), exception.toString());
        }

        @Override
        public void handleConnectionRecoveryException(Connection connection, Throwable exception) {
            log.debug("RabbitMQ connection {} not back yet: {}", connection.getClientProvidedName(), exception.toString());
        }

        @Override
        public void handleChannelRecoveryException(Channel channel, Throwable exception) {
            log.warn("RabbitMQ channel {} could not be reopened: {}", channel.getChannelNumber(), exception.toString());
        }
    }
}
