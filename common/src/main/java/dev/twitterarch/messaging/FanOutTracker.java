package dev.twitterarch.messaging;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts messages this process published (confirmed) and settled (acknowledged after commit, or
 * dead-lettered). With the API and the workers in one process, as in the tests, equal counts and
 * empty queues mean the fan-out has quiesced. Every handler publishes its follow-up messages
 * before it settles its own, so the counts are never equal while work is still on its way.
 */
public class FanOutTracker {

    private final AtomicLong published = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();

    void addPublished(int count) {
        published.addAndGet(count);
    }

    void addSettled() {
        settled.incrementAndGet();
    }

    public boolean balanced() {
        return published.get() == settled.get();
    }

    public long published() {
        return published.get();
    }

    public long settled() {
        return settled.get();
    }
}
