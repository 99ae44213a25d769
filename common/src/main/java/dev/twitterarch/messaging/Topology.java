package dev.twitterarch.messaging;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * The exchanges and queues every asynchronous step has, and the rule for naming any other: every
 * name starts with the step's prefix, so steps (and test runs) never share a queue.
 *
 * <pre>
 *   API --publish--> {prefix}.events (direct) --"fan-out"--> {prefix}.fan-out            step 3 on
 *   any queue --rejected/expired/delivery limit--> {prefix}.dead-letter (fanout) --> {prefix}.dead-letters
 * </pre>
 *
 * Step 4 adds its consistent-hash exchange and worker queues through {@link #declareQueue} and
 * {@link #declare}. Work queues are <em>quorum</em> queues, because a quorum queue counts how often
 * it has handed a message out: a message whose handling kills (or hangs until someone kills) the
 * worker comes back after each death, and after {@code twitter.messaging.delivery-limit} returns
 * the broker dead-letters it by itself, where no worker could have counted (the worker died each
 * time). Dead-lettering is {@code at-least-once} (the broker keeps a dead letter until the
 * dead-letter queue has confirmed it), which needs {@code x-overflow: reject-publish}. The
 * dead-letter queue is a classic queue a person inspects; nothing there is retried automatically.
 *
 * <p>Declarations are idempotent: every process declares what it uses at start, and again after
 * its connection to RabbitMQ came back ({@link #redeclare}). A queue that exists with other
 * arguments (a classic queue of an earlier version of this project, another delivery limit) makes
 * the declaration fail with a {@link DeclarationFailed} that says so.
 */
public final class Topology {

    public static final String FAN_OUT_KEY = "fan-out";

    private static final Logger log = LoggerFactory.getLogger(Topology.class);

    /** Something declared on the broker: run at start, and again after each recovery. */
    @FunctionalInterface
    public interface Declaration {
        void declare(Channel channel) throws IOException;
    }

    private final String prefix;
    private final int deliveryLimit;
    private final boolean resetQueues;
    private final Set<String> declaredQueues = new CopyOnWriteArraySet<>();
    private final Set<String> resetDone = new CopyOnWriteArraySet<>();
    private final List<Declaration> declarations = new CopyOnWriteArrayList<>();

    /** Names only (tests, tools): declares with the default delivery limit. */
    public Topology(String prefix) {
        this(prefix, 5, false);
    }

    /**
     * @param deliveryLimit returns of an unfinished message before the broker dead-letters it
     * @param resetQueues   delete each work queue before its first declaration (the demos'
     *                      {@code twitter.reset-on-start}: a fresh start, whatever an earlier run left)
     */
    public Topology(String prefix, int deliveryLimit, boolean resetQueues) {
        this.prefix = prefix;
        this.deliveryLimit = deliveryLimit;
        this.resetQueues = resetQueues;
    }

    /** The name of one of this step's exchanges or queues. */
    public String name(String suffix) {
        return prefix + "." + suffix;
    }

    /** The work queues this process declared (dead letters excluded): all of them empty means no work waits. */
    public List<String> workQueues() {
        return List.copyOf(declaredQueues);
    }

    public int deliveryLimit() {
        return deliveryLimit;
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
        declare(channel, ch -> ch.exchangeDeclare(eventsExchange(), BuiltinExchangeType.DIRECT, true));
        declareQueue(channel, fanOutQueue(), Map.of());
        declare(channel, ch -> ch.queueBind(fanOutQueue(), eventsExchange(), FAN_OUT_KEY));
    }

    /**
     * A durable quorum work queue with the delivery limit, dead-lettering what its consumers reject
     * and what exceeds the limit; {@code arguments} add limits (step 5's length limit).
     */
    public void declareQueue(Channel channel, String queue, Map<String, Object> arguments) {
        declare(channel, ch -> {
            ch.exchangeDeclare(deadLetterExchange(), BuiltinExchangeType.FANOUT, true);
            ch.queueDeclare(deadLetterQueue(), true, false, false, null);
            ch.queueBind(deadLetterQueue(), deadLetterExchange(), "");
        });
        Map<String, Object> workQueue = new HashMap<>();
        workQueue.put("x-queue-type", "quorum");
        workQueue.put("x-delivery-limit", deliveryLimit);
        workQueue.put("x-dead-letter-exchange", deadLetterExchange());
        workQueue.put("x-dead-letter-strategy", "at-least-once");
        workQueue.put("x-overflow", "reject-publish"); // at-least-once dead-lettering needs it; a length limit makes publishers see nacks
        workQueue.putAll(arguments);
        Map<String, Object> declared = Map.copyOf(workQueue);
        if (resetQueues && resetDone.add(queue)) {
            run(channel, "deleting queue " + queue + " (twitter.reset-on-start)", ch -> ch.queueDelete(queue));
        }
        declare(channel, ch -> ch.queueDeclare(queue, true, false, false, declared));
        declaredQueues.add(queue);
    }

    /** Declares something now and records it, so it is declared again after a recovery. */
    public void declare(Channel channel, Declaration declaration) {
        run(channel, "declaring the RabbitMQ topology", declaration);
        declarations.add(declaration);
    }

    /** Declares everything again, on a channel of its own (after the connection came back: the broker may have lost it). */
    public void redeclare(Rabbit rabbit) {
        Channel channel = rabbit.publishChannel();
        try {
            for (Declaration declaration : declarations) {
                run(channel, "declaring the RabbitMQ topology again", declaration);
            }
            log.info("RabbitMQ topology of {} declared again ({} declarations)", prefix, declarations.size());
        } finally {
            Rabbit.closeQuietly(channel);
        }
    }

    private static void run(Channel channel, String what, Declaration declaration) {
        try {
            declaration.declare(channel);
        } catch (IOException e) {
            throw new DeclarationFailed(what, e);
        }
    }

    /**
     * The broker refused a declaration; it closed the channel, with its reason. The start-up
     * failure analysis reads the reason ({@link #replyCode}, {@link #replyText}) to say what to do.
     */
    public static final class DeclarationFailed extends IllegalStateException {

        private final int replyCode;
        private final String replyText;

        DeclarationFailed(String what, IOException cause) {
            super(what + " failed: " + describe(cause), cause);
            ShutdownSignalException signal = cause.getCause() instanceof ShutdownSignalException s ? s : null;
            Object reason = signal == null ? null : signal.getReason();
            if (reason instanceof com.rabbitmq.client.AMQP.Channel.Close close) {
                replyCode = close.getReplyCode();
                replyText = close.getReplyText();
            } else if (reason instanceof com.rabbitmq.client.AMQP.Connection.Close close) {
                replyCode = close.getReplyCode();
                replyText = close.getReplyText();
            } else {
                replyCode = 0;
                replyText = describe(cause);
            }
        }

        /** AMQP's reply code: 406 PRECONDITION_FAILED (a queue exists with other arguments), 503 COMMAND_INVALID (an unknown exchange type) ... */
        public int replyCode() {
            return replyCode;
        }

        public String replyText() {
            return replyText;
        }

        private static String describe(IOException e) {
            return e.getCause() instanceof ShutdownSignalException s ? Rabbit.reason(s) : String.valueOf(e.getMessage());
        }
    }
}
