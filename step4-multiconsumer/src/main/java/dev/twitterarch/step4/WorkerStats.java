package dev.twitterarch.step4;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.twitterarch.messaging.ConsumerGroup;
import dev.twitterarch.messaging.QueueConsumer;

/**
 * Every worker process writes how many messages it handled per queue to {@code worker_stats}
 * about once a second, so the API can show the distribution over workers that run elsewhere.
 */
@Component
class WorkerStats implements SmartLifecycle {

    private final JdbcClient jdbc;
    private final ObjectProvider<ConsumerGroup> workers;
    private final String process = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    private static final Logger log = LoggerFactory.getLogger(WorkerStats.class);

    private ScheduledExecutorService flusher;
    private volatile boolean failing;

    WorkerStats(JdbcClient jdbc, ObjectProvider<ConsumerGroup> workers) {
        this.jdbc = jdbc;
        this.workers = workers;
    }

    /** Handled messages per worker queue, summed over every process that consumes it. */
    Map<String, Long> handledByQueue() {
        flush();
        return jdbc.sql("SELECT queue, sum(handled)::bigint AS handled FROM worker_stats GROUP BY queue")
                .query((rs, row) -> Map.entry(rs.getString("queue"), rs.getLong("handled")))
                .list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    synchronized void flush() {
        for (QueueConsumer consumer : local()) {
            jdbc.sql("""
                            INSERT INTO worker_stats (queue, process, handled) VALUES (:queue, :process, :handled)
                            ON CONFLICT (queue, process) DO UPDATE SET handled = excluded.handled, updated_at = now()""")
                    .param("queue", consumer.queue())
                    .param("process", process)
                    .param("handled", consumer.handled())
                    .update();
        }
    }

    private List<QueueConsumer> local() {
        ConsumerGroup group = workers.getIfAvailable();
        return group == null ? List.of() : group.members();
    }

    @Override
    public void start() {
        flusher = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "worker-stats"));
        flusher.scheduleWithFixedDelay(this::flushQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * A failed flush (PostgreSQL down) is tried again a second later; thrown out of the scheduled
     * task, it would silently cancel every later flush.
     */
    private void flushQuietly() {
        try {
            flush();
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("worker stats not written, trying again every second: {}", e.toString());
                failing = true;
            }
        }
    }

    @Override
    public void stop() {
        flusher.shutdownNow();
        flushQuietly();
    }

    @Override
    public boolean isRunning() {
        return flusher != null && !flusher.isShutdown();
    }

    /** Stops after the consumers (higher phases stop first), so the last counts are written. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1;
    }
}
