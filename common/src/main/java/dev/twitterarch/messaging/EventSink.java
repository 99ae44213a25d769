package dev.twitterarch.messaging;

/** Where the API side hands the fan-out its events; called inside the transaction of the change. */
public interface EventSink {

    void emit(FeedEvent event);

    /** True when no emitted event is still waiting to reach RabbitMQ. */
    default boolean drained() {
        return true;
    }
}
