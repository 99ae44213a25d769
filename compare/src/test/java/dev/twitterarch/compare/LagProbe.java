package dev.twitterarch.compare;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.twitterarch.compare.dataset.SnowflakeLayout;

/**
 * What the fan-out-lag poster and the followers' pollers share: the current celebrity post (a
 * "round") and when each sampled follower first saw it. A poller recognizes the post without being
 * told its id: ids are time-ordered, so the celebrity's tweet with an id at or above the round's
 * start is the one posted in this round.
 */
final class LagProbe {

    private final List<Long> followers;
    private final long deadlineNanos;
    private volatile Round round;
    private volatile boolean finished;

    LagProbe(List<Long> followers, long maxSeconds) {
        this.followers = followers;
        this.deadlineNanos = System.nanoTime() + maxSeconds * 1_000_000_000L;
    }

    final class Round {

        final long startNanos = System.nanoTime();
        /** The smallest id a tweet created from now on can have (any node, any sequence). */
        final long minId = SnowflakeLayout.id(System.currentTimeMillis(), 0, 0);
        private final Map<Long, Long> seenAtNanos = new ConcurrentHashMap<>();
        /** Pollers start when the POST has returned: polling while it runs would only slow it down. */
        private volatile boolean posted;

        void posted() {
            posted = true;
        }

        boolean polling(long follower) {
            return posted && !seenAtNanos.containsKey(follower);
        }

        void seen(long follower, long atNanos) {
            seenAtNanos.putIfAbsent(follower, atNanos);
        }

        boolean allSeen() {
            return seenAtNanos.size() >= followers.size();
        }

        /** Milliseconds from the round's start until the first / the last sampled follower saw the post; -1 if not all did. */
        long firstMillis() {
            return seenAtNanos.values().stream().mapToLong(t -> (t - startNanos) / 1_000_000).min().orElse(-1);
        }

        long lastMillis() {
            return allSeen() ? seenAtNanos.values().stream().mapToLong(t -> (t - startNanos) / 1_000_000).max().orElse(-1) : -1;
        }
    }

    Round begin() {
        round = new Round();
        return round;
    }

    /** The round in progress, or null between posts. */
    Round current() {
        return round;
    }

    void end() {
        round = null;
    }

    /** The poster is done (or something went wrong and the deadline passed): pollers stop. */
    boolean finished() {
        return finished || System.nanoTime() > deadlineNanos;
    }

    void finish() {
        finished = true;
    }
}
