package dev.twitterarch.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;

/**
 * Every exchange, queue and binding of the asynchronous steps, declared in this one place.
 * Declarations are idempotent: every process declares what it uses at start.
 *
 * <pre>
 *   API --publish--> {prefix}.events (direct) --"fan-out"--> {prefix}.fan-out            step 3 on
 *   dispatcher ----> {prefix}.per-follower (x-consistent-hash, key = follower id)
 *                        --weight--> {prefix}.worker.0 ... {prefix}.worker.N-1           step 4 on
 *   any queue --rejected/expired--> {prefix}.dead-letter (fanout) --> {prefix}.dead-letters
 * </pre>
 *
 * All queues are durable and dead-letter into one queue that a person inspects; nothing there is
 * retried automatically.
 */
public final class Topology {

    public static final String FAN_OUT_KEY = "fan-out";

    private final String prefix;
    private final java.util.Set<String> declaredQueues = new java.util.concurrent.CopyOnWriteArraySet<>();

    public Topology(String prefix) {
        this.prefix = prefix;
    }

    /** The work queues this process declared (dead letters excluded): all of them empty means no work waits. */
    public List<String> workQueues() {
        return List.copyOf(declaredQueues);
    }

    public String eventsExchange() {
        return prefix + ".events";
    }

    public String fanOutQueue() {
        return prefix + ".fan-out";
    }

    public String perFollowerExchange() {
        return prefix + ".per-follower";
    }

    public String workerQueue(int index) {
        return prefix + ".worker." + index;
    }

    public List<String> workerQueues(int workers) {
        return IntStream.range(0, workers).mapToObj(this::workerQueue).toList();
    }

    public String deadLetterExchange() {
        return prefix + ".dead-letter";
    }

    public String deadLetterQueue() {
        return prefix + ".dead-letters";
    }

    /** Step 3 on: the events exchange and the one queue the fan-out worker (or step 4's dispatcher) consumes. */
    public void declareEvents(Channel channel) {
        run(() -> {
            declareDeadLetters(channel);
            channel.exchangeDeclare(eventsExchange(), BuiltinExchangeType.DIRECT, true);
            declareQueue(channel, fanOutQueue(), Map.of());
            channel.queueBind(fanOutQueue(), eventsExchange(), FAN_OUT_KEY);
        });
    }

    /**
     * Step 4 on: a consistent-hash exchange spreads per-follower messages over N worker queues. The
     * routing key (the follower id) is hashed onto a ring where each queue owns points in proportion
     * to its binding weight, so one follower always lands on the same worker.
     */
    public void declareWorkers(Channel channel, int workers, int weight) {
        declareWorkers(channel, workers, weight, Map.of());
    }

    /**
     * Step 5: the same, with a length limit on every worker queue. A full queue refuses new
     * messages (the publisher gets a nack, so nothing is silently dropped) and dead-letters them,
     * instead of growing until the broker runs out of memory.
     */
    public void declareWorkers(Channel channel, int workers, int weight, int maxLength) {
        declareWorkers(channel, workers, weight, Map.of("x-max-length", maxLength, "x-overflow", "reject-publish-dlx"));
    }

    private void declareWorkers(Channel channel, int workers, int weight, Map<String, Object> limits) {
        run(() -> {
            declareDeadLetters(channel);
            channel.exchangeDeclare(perFollowerExchange(), "x-consistent-hash", true);
            for (String queue : workerQueues(workers)) {
                declareQueue(channel, queue, limits);
                channel.queueBind(queue, perFollowerExchange(), Integer.toString(weight));
            }
        });
    }

    private void declareDeadLetters(Channel channel) throws IOException {
        channel.exchangeDeclare(deadLetterExchange(), BuiltinExchangeType.FANOUT, true);
        channel.queueDeclare(deadLetterQueue(), true, false, false, null);
        channel.queueBind(deadLetterQueue(), deadLetterExchange(), "");
    }

    private void declareQueue(Channel channel, String queue, Map<String, Object> limits) throws IOException {
        Map<String, Object> arguments = new java.util.HashMap<>(limits);
        arguments.put("x-dead-letter-exchange", deadLetterExchange());
        channel.queueDeclare(queue, true, false, false, arguments);
        declaredQueues.add(queue);
    }

    /** Removes everything above (tests clean up after themselves with this). */
    public void delete(Channel channel, int workers) {
        run(() -> {
            for (String queue : workerQueues(workers)) {
                channel.queueDelete(queue);
            }
            channel.queueDelete(fanOutQueue());
            channel.queueDelete(deadLetterQueue());
            channel.exchangeDelete(perFollowerExchange());
            channel.exchangeDelete(eventsExchange());
            channel.exchangeDelete(deadLetterExchange());
        });
    }

    private interface Declaration {
        void run() throws IOException;
    }

    private static void run(Declaration declaration) {
        try {
            declaration.run();
        } catch (IOException e) {
            throw new UncheckedIOException("declaring the RabbitMQ topology failed: " + e.getMessage(), e);
        }
    }
}
