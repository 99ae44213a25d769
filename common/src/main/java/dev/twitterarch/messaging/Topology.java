package dev.twitterarch.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;

/**
 * The exchanges and queues every asynchronous step has, and the rule for naming any other: every
 * name starts with the step's prefix, so steps (and test runs) never share a queue.
 *
 * <pre>
 *   API --publish--> {prefix}.events (direct) --"fan-out"--> {prefix}.fan-out            step 3 on
 *   any queue --rejected/expired--> {prefix}.dead-letter (fanout) --> {prefix}.dead-letters
 * </pre>
 *
 * Step 4 adds its consistent-hash exchange and worker queues through {@link #declareQueue}. All
 * queues are durable and dead-letter into one queue that a person inspects; nothing there is
 * retried automatically. Declarations are idempotent: every process declares what it uses at start.
 */
public final class Topology {

    public static final String FAN_OUT_KEY = "fan-out";

    private final String prefix;
    private final Set<String> declaredQueues = new CopyOnWriteArraySet<>();

    public Topology(String prefix) {
        this.prefix = prefix;
    }

    /** The name of one of this step's exchanges or queues. */
    public String name(String suffix) {
        return prefix + "." + suffix;
    }

    /** The work queues this process declared (dead letters excluded): all of them empty means no work waits. */
    public List<String> workQueues() {
        return List.copyOf(declaredQueues);
    }

    public String eventsExchange() {
        return name("events");
    }

    public String fanOutQueue() {
        return name("fan-out");
    }

    public String deadLetterExchange() {
        return name("dead-letter");
    }

    public String deadLetterQueue() {
        return name("dead-letters");
    }

    /** Step 3 on: the events exchange and the one queue the fan-out worker (or step 4's dispatcher) consumes. */
    public void declareEvents(Channel channel) {
        run(() -> {
            channel.exchangeDeclare(eventsExchange(), BuiltinExchangeType.DIRECT, true);
            declareQueue(channel, fanOutQueue(), Map.of());
            channel.queueBind(fanOutQueue(), eventsExchange(), FAN_OUT_KEY);
        });
    }

    /** A durable work queue that dead-letters what its consumers reject; {@code arguments} add limits. */
    public void declareQueue(Channel channel, String queue, Map<String, Object> arguments) {
        run(() -> {
            channel.exchangeDeclare(deadLetterExchange(), BuiltinExchangeType.FANOUT, true);
            channel.queueDeclare(deadLetterQueue(), true, false, false, null);
            channel.queueBind(deadLetterQueue(), deadLetterExchange(), "");
            Map<String, Object> withDeadLetters = new HashMap<>(arguments);
            withDeadLetters.put("x-dead-letter-exchange", deadLetterExchange());
            channel.queueDeclare(queue, true, false, false, withDeadLetters);
            declaredQueues.add(queue);
        });
    }

    /** What a declaration throws, unchecked: a step cannot start without its topology. */
    public interface Declaration {
        void run() throws IOException;
    }

    public static void run(Declaration declaration) {
        try {
            declaration.run();
        } catch (IOException e) {
            throw new UncheckedIOException("declaring the RabbitMQ topology failed: " + e.getMessage(), e);
        }
    }
}
