package dev.twitterarch.messaging;

/**
 * Where the API side hands the fan-out its events; called inside the transaction of the change.
 * Step 3 publishes after the commit, step 5 writes an outbox row in the same transaction.
 */
@FunctionalInterface
public interface EventSink {

    void emit(FeedEvent event);
}
