package dev.twitterarch.messaging;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.micrometer.context.ContextSnapshotFactory;

/**
 * Runs an action once the current transaction has committed (at once when there is none). The
 * action runs in the context it was registered in (the current observation, and so the trace): a
 * worker's after-commit work, such as step 6's Redis push, belongs to the message it was part of,
 * although the commit of several messages comes after all of them.
 */
public final class AfterCommit {

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    private AfterCommit() {
    }

    public static void run(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        Runnable inContext = SNAPSHOTS.captureAll().wrap(action);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                inContext.run();
            }
        });
    }
}
