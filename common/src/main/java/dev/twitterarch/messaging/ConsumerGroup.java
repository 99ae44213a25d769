package dev.twitterarch.messaging;

import java.util.List;

import org.springframework.context.SmartLifecycle;

/** Several consumers started and stopped as one bean (N worker queues in one process). */
public class ConsumerGroup implements SmartLifecycle {

    private final List<QueueConsumer> members;

    public ConsumerGroup(List<QueueConsumer> members) {
        this.members = List.copyOf(members);
    }

    public List<QueueConsumer> members() {
        return members;
    }

    @Override
    public void start() {
        members.forEach(QueueConsumer::start);
    }

    @Override
    public void stop() {
        members.parallelStream().forEach(QueueConsumer::stop);
    }

    @Override
    public boolean isRunning() {
        return members.stream().anyMatch(QueueConsumer::isRunning);
    }
}
