package dev.twitterarch.messaging;

import java.util.List;

import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.observation.ObservationRegistry;

/** Makes {@link QueueConsumer}s that share this process's connection, settings, codec and transactions. */
public class Consumers {

    private final Rabbit rabbit;
    private final MessagingProperties settings;
    private final MessageCodec codec;
    private final TransactionTemplate transaction;
    private final Publisher publisher;
    private final FanOutTracker tracker;
    private final ObservationRegistry observations;

    public Consumers(Rabbit rabbit, MessagingProperties settings, MessageCodec codec, TransactionTemplate transaction,
                     Publisher publisher, FanOutTracker tracker, ObservationRegistry observations) {
        this.rabbit = rabbit;
        this.settings = settings;
        this.codec = codec;
        this.transaction = transaction;
        this.publisher = publisher;
        this.tracker = tracker;
        this.observations = observations;
    }

    public QueueConsumer consume(String queue, QueueConsumer.Handler handler) {
        return new QueueConsumer(rabbit, queue, settings, codec, handler, transaction, publisher, tracker, observations);
    }

    /**
     * One consumer for each of N worker queues, or for the queue at {@code index} alone when it is
     * not -1 (a worker process of its own, as the original's {@code worker.py i}).
     */
    public ConsumerGroup group(List<String> queues, int index, QueueConsumer.Handler handler) {
        List<String> consumed = index < 0 ? queues : List.of(queues.get(index));
        return new ConsumerGroup(consumed.stream().map(queue -> consume(queue, handler)).toList());
    }
}
