package dev.twitterarch.step5;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;

import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.Topology;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Moves outbox rows to RabbitMQ: lock a batch of the oldest rows, publish them, wait
 * for the broker's confirms, delete them, commit. A crash anywhere in between leaves the rows in
 * the outbox (at worst they are published twice, and the consumers are idempotent). SKIP LOCKED
 * makes several relays, in several processes, safe side by side. The relay wakes at once after a
 * commit in this process and polls for rows written by others.
 *
 * <p>Each row is relayed in an observation ({@code twitter.outbox.relay}) that continues the trace
 * the row was written in, and its message is published within it: the trace of a POST goes on
 * through the relay, although the relay batches rows of many requests into one publish.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Outbox outbox;
    private final Publisher publisher;
    private final Topology topology;
    private final TransactionTemplate transaction;
    private final int batchSize;
    private final ObservationRegistry observations;
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(Outbox outbox, Publisher publisher, Topology topology, TransactionTemplate transaction, int batchSize,
                       ObservationRegistry observations) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.topology = topology;
        this.transaction = transaction;
        this.batchSize = batchSize;
        this.observations = observations;
        outbox.onCommit(() -> wakeUps.offer(Boolean.TRUE));
    }

    /** Publishes one batch; returns how many rows it moved. */
    public int relayOnce() {
        List<Observation> relays = new ArrayList<>();
        try {
            Integer moved = transaction.execute(status -> {
                List<Outbox.Pending> batch = outbox.lockOldest(batchSize);
                if (batch.isEmpty()) {
                    return 0;
                }
                List<Publisher.Outgoing> messages = new ArrayList<>(batch.size());
                for (Outbox.Pending pending : batch) {
                    Observation relay = relaying(pending);
                    relays.add(relay);
                    messages.add(new Publisher.Outgoing(topology.eventsExchange(), Topology.FAN_OUT_KEY, pending.event()).within(relay));
                }
                publisher.publish(messages);
                outbox.delete(batch);
                return batch.size();
            });
            return moved == null ? 0 : moved;
        } catch (RuntimeException e) {
            relays.forEach(relay -> relay.error(e));
            throw e;
        } finally {
            relays.forEach(Observation::stop); // after the commit: a relayed row is a deleted row
        }
    }

    private Observation relaying(Outbox.Pending pending) {
        String type = pending.event().getClass().getSimpleName();
        return Observation.createNotStarted("twitter.outbox.relay", pending::traceContext, observations)
                .contextualName("outbox relay " + type)
                .lowCardinalityKeyValue("event", type)
                .start();
    }

    /**
     * Relays until stopped. While RabbitMQ or PostgreSQL is down every round fails (fast: the
     * publisher refuses at once while it knows the broker is gone), the rows stay in the outbox, and
     * the relay tries again every second; the log says when that started and when it ended.
     */
    private void loop() {
        long failingSince = 0;
        while (running) {
            try {
                int moved = relayOnce();
                if (failingSince != 0) {
                    log.info("outbox relay: publishing again after {} s", Duration.ofNanos(System.nanoTime() - failingSince).toSeconds());
                    failingSince = 0;
                }
                if (moved < batchSize) {
                    wakeUps.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (failingSince == 0) {
                    failingSince = System.nanoTime();
                    log.warn("outbox relay: {}; trying again every second (the rows stay in the outbox)", e.toString());
                } else {
                    log.debug("outbox relay: still failing: {}", e.toString());
                }
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.start();
        log.info("outbox relay started (batches of up to {})", batchSize);
    }

    /** Lets the batch in hand finish (publish, delete, commit), then stops. */
    @Override
    public void stop() {
        running = false;
        wakeUps.offer(Boolean.TRUE);
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("outbox relay stopped");
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
