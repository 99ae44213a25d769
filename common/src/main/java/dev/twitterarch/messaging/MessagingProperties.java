package dev.twitterarch.messaging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * How a step uses RabbitMQ ({@code twitter.messaging.*}). Checked when bound: a value out of range
 * stops the start with a message that names the property and the allowed values.
 *
 * @param prefix      prefix of every exchange and queue name, so steps (and test runs) never share a queue
 * @param role        what this process does: {@code api}, {@code worker} or {@code both} (the default), see {@link Role}
 * @param prefetch    unacknowledged messages a consumer may hold at once: bounded, so a slow worker
 *                    leaves the rest in the queue for others
 * @param maxAttempts handling attempts of a message whose handler throws before it goes to the dead-letter queue
 * @param deliveryLimit returns of a message whose handling never came to an end (the worker died,
 *                    or hung until it was killed, or lost its connection) before the broker
 *                    dead-letters it ({@code x-delivery-limit} of the quorum work queues; every
 *                    process must use the same value, it is part of the queues' declaration)
 * @param workers     number of worker queues behind the consistent-hash exchange (step 4 on)
 * @param workerIndex which worker queue this process consumes; -1 means all of them
 * @param buckets     step 5 on: followers are grouped into this many buckets by a hash of their id (the original's "hash: 20")
 * @param batchSize   step 5 on: followers per batch message, and outbox rows per relay transaction
 * @param maxQueueLength step 5 on: messages a worker queue may hold; beyond it the broker refuses
 *                    new messages (the publisher sees a nack and tries again later)
 * @param messagesPerTransaction step 5 on: messages a consumer handles in one transaction when they
 *                    have arrived already (one commit for several batches); 1 in steps 3-4
 */
@ConfigurationProperties("twitter.messaging")
@Validated
public record MessagingProperties(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9_.-]{1,100}", message = "must be 1-100 letters, digits, '.', '_' or '-'") String prefix,
        @DefaultValue("both") Role role,
        @DefaultValue("50") @Min(1) @Max(65535) int prefetch,
        @DefaultValue("5") @Min(1) @Max(100) int maxAttempts,
        @DefaultValue("5") @Min(1) @Max(1000) int deliveryLimit,
        @DefaultValue("4") @Min(1) @Max(64) int workers,
        @DefaultValue("-1") @Min(-1) int workerIndex,
        @DefaultValue("20") @Min(1) @Max(100000) int buckets,
        @DefaultValue("100") @Min(1) @Max(10000) int batchSize,
        @DefaultValue("20000") @Min(1) int maxQueueLength,
        @DefaultValue("1") @Min(1) @Max(1000) int messagesPerTransaction) {

    /** A worker index names one of the worker queues. */
    @AssertTrue(message = "twitter.messaging.worker-index must be -1 (all worker queues) or below twitter.messaging.workers")
    public boolean isWorkerIndexOneOfTheWorkers() {
        return workerIndex < workers;
    }
}
