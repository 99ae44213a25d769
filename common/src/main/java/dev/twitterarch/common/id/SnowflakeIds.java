package dev.twitterarch.common.id;

import java.time.Clock;
import java.time.Instant;

/**
 * Time-ordered 64-bit ids made in the application (the Snowflake layout), so no database sequence
 * is a shared bottleneck and sorting by id is sorting by time.
 *
 * <pre>
 *  41 bits: milliseconds since 2024-01-01 | 4 bits: node | 8 bits: sequence within the millisecond
 * </pre>
 *
 * The ids use 53 bits on purpose: every id is an exact integer in JavaScript and in jq, which store
 * numbers as doubles, so clients of the JSON API never see a rounded id. 256 ids per millisecond per
 * node is far above what one process here can insert.
 */
public class SnowflakeIds {

    static final long EPOCH_MILLIS = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    static final int NODE_BITS = 4;
    static final int SEQUENCE_BITS = 8;
    static final long MAX_NODE = (1 << NODE_BITS) - 1;
    static final long MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1;

    private final Clock clock;
    private final long node;
    private long lastMillis = -1;
    private long sequence;

    public SnowflakeIds(Clock clock, long node) {
        if (node < 0 || node > MAX_NODE) {
            throw new IllegalArgumentException("twitter.node-id must be between 0 and " + MAX_NODE + ", was " + node);
        }
        this.clock = clock;
        this.node = node;
    }

    public synchronized long next() {
        long now = clock.millis();
        if (now < lastMillis) {
            now = lastMillis; // the clock stepped back: keep counting in the last millisecond, never reuse an id
        }
        if (now == lastMillis) {
            sequence = (sequence + 1) & MAX_SEQUENCE;
            if (sequence == 0) {
                now = awaitNextMillis(lastMillis);
            }
        } else {
            sequence = 0;
        }
        lastMillis = now;
        return ((now - EPOCH_MILLIS) << (NODE_BITS + SEQUENCE_BITS)) | (node << SEQUENCE_BITS) | sequence;
    }

    /** The creation time encoded in an id. */
    public static Instant timeOf(long id) {
        return Instant.ofEpochMilli((id >>> (NODE_BITS + SEQUENCE_BITS)) + EPOCH_MILLIS);
    }

    private long awaitNextMillis(long last) {
        long now = clock.millis();
        while (now <= last) {
            Thread.onSpinWait();
            now = clock.millis();
        }
        return now;
    }
}
