package dev.twitterarch.compare.dataset;

import java.time.Instant;

/**
 * The applications' id layout (dev.twitterarch.common.id.SnowflakeIds), copied rather than depended
 * on: compare imports no application code, so Gatling's classpath carries none of the steps' Spring
 * Boot stack (ArchitectureTest holds that).
 * <pre>
 *  41 bits: milliseconds since 2024-01-01 | 4 bits: node | 8 bits: sequence within the millisecond
 * </pre>
 * Seeded rows use node 15, the applications node 0, so the two never collide; seeded ids carry
 * past timestamps, so every tweet posted during a run sorts after every seeded one, as in life.
 *
 * <p>A copy can drift, so every run checks it against the step it measures: StepSimulation's
 * celebrity posts fail unless the id the step hands back decodes here to the time of its POST
 * ({@link #madeBetween}), and the simulation asserts that none failed. {@code ./compare.sh --smoke}
 * runs that against steps 1 and 2 in CI; a unit test here could only restate the layout above.
 */
public final class SnowflakeLayout {

    public static final long EPOCH_MILLIS = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    public static final int SEEDER_NODE = 15;

    private SnowflakeLayout() {
    }

    public static long id(long epochMillis, int node, int sequence) {
        if (node < 0 || node > 15 || sequence < 0 || sequence > 255 || epochMillis < EPOCH_MILLIS) {
            throw new IllegalArgumentException("no such id: " + epochMillis + "/" + node + "/" + sequence);
        }
        return ((epochMillis - EPOCH_MILLIS) << 12) | ((long) node << 8) | sequence;
    }

    /** A seeded row's id: one per millisecond, node 15. */
    public static long seeded(long epochMillis) {
        return id(epochMillis, SEEDER_NODE, 0);
    }

    public static long millisOf(long id) {
        return (id >>> 12) + EPOCH_MILLIS;
    }

    /** Whether {@code id}, read in this layout, was made between the two times (epoch ms, with a second's leeway). */
    public static boolean madeBetween(long id, long fromMillis, long toMillis) {
        long made = millisOf(id);
        return id > 0 && made >= fromMillis - 1000 && made <= toMillis + 1000;
    }
}
