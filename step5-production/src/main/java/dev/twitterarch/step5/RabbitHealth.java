package dev.twitterarch.step5;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Topology;

/** Part of readiness: RabbitMQ answers, and the events queue exists (its depth is reported). */
public class RabbitHealth implements HealthIndicator {

    private final Rabbit rabbit;
    private final Topology topology;

    public RabbitHealth(Rabbit rabbit, Topology topology) {
        this.rabbit = rabbit;
        this.topology = topology;
    }

    @Override
    public Health health() {
        try {
            return Health.up().withDetail("events_queue_depth", rabbit.depth(topology.fanOutQueue())).build();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
    }
}
