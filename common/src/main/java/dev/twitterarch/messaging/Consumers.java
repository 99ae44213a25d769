package dev.twitterarch.messaging;

import org.springframework.transaction.support.TransactionTemplate;

/** Makes {@link QueueConsumer}s that share this process's connection, settings, codec and transactions. */
public class Consumers {

    private final Rabbit rabbit;
    private final MessagingProperties settings;
    private final MessageCodec codec;
    private final TransactionTemplate transaction;
    private final Publisher publisher;
    private final FanOutTracker tracker;

    public Consumers(Rabbit rabbit, MessagingProperties settings, MessageCodec codec, TransactionTemplate transaction,
                     Publisher publisher, FanOutTracker tracker) {
        this.rabbit = rabbit;
        this.settings = settings;
        this.codec = codec;
        this.transaction = transaction;
        this.publisher = publisher;
        this.tracker = tracker;
    }

    public QueueConsumer consume(String queue, QueueConsumer.Handler handler) {
        return new QueueConsumer(rabbit, queue, settings, codec, handler, transaction, publisher, tracker);
    }
}
