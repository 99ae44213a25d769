package dev.twitterarch.step4;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.rabbitmq.client.Channel;

import dev.twitterarch.messaging.Topology;

/**
 * Step 4's idea in RabbitMQ terms: an {@code x-consistent-hash} exchange spreads messages over N
 * worker queues. The routing key (here the follower id) is hashed onto a ring where each queue
 * owns points in proportion to its binding weight, so one follower always lands on the same
 * worker, and adding a worker moves only a share of the followers.
 *
 * <pre>
 *   dispatcher --> {prefix}.per-follower (x-consistent-hash, key = follower id)
 *                      --weight 20--> {prefix}.worker.0 ... {prefix}.worker.N-1
 * </pre>
 *
 * Step 5 reuses it with batches (keyed by bucket) and a length limit on every queue.
 */
public final class ConsistentHashWorkers {

    /** The original's binding weight: every worker queue owns the same share of the hash ring. */
    public static final int WEIGHT = 20;

    private final Topology topology;
    private final List<String> queues;

    public ConsistentHashWorkers(Topology topology, int workers) {
        this.topology = topology;
        this.queues = IntStream.range(0, workers).mapToObj(i -> topology.name("worker." + i)).toList();
    }

    public String exchange() {
        return topology.name("per-follower");
    }

    /** The N worker queues, in index order. */
    public List<String> queues() {
        return queues;
    }

    /**
     * Declares the exchange and the queues; {@code queueArguments} (limits) apply to every queue.
     * The exchange type comes from the {@code rabbitmq_consistent_hash_exchange} plugin: without
     * it the broker refuses the declaration, and the step does not start.
     */
    public ConsistentHashWorkers declare(Channel channel, Map<String, Object> queueArguments) {
        topology.declare(channel, ch -> ch.exchangeDeclare(exchange(), "x-consistent-hash", true));
        for (String queue : queues) {
            topology.declareQueue(channel, queue, queueArguments);
            topology.declare(channel, ch -> ch.queueBind(queue, exchange(), Integer.toString(WEIGHT)));
        }
        return this;
    }
}
