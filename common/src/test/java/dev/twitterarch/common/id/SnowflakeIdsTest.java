package dev.twitterarch.common.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SnowflakeIdsTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(Instant.parse("2026-11-21T12:00:00Z").toEpochMilli());

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void idsGrowStrictlyAndEncodeTheirTime() {
        ManualClock clock = new ManualClock();
        SnowflakeIds ids = new SnowflakeIds(clock, 3);
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            if (i % 100 == 0) {
                clock.millis.addAndGet(7);
            }
            made.add(ids.next());
        }
        assertThat(made).isSorted().doesNotHaveDuplicates();
        assertThat(SnowflakeIds.timeOf(made.get(0))).isEqualTo(clock.instant().minusMillis(63));
    }

    @Test
    void idsFitInAJavaScriptNumber() {
        SnowflakeIds ids = new SnowflakeIds(Clock.systemUTC(), 15);
        assertThat(ids.next()).isLessThan(1L << 53);
        // and will until 2093: 41 bits of milliseconds after 2024
        long lastMillis = (1L << 41) - 1;
        assertThat((lastMillis << 12) | 0xFFF).isLessThan(1L << 53);
    }

    @Test
    void aFullMillisecondWaitsForTheNextOneAndNodesNeverCollide() {
        ManualClock clock = new ManualClock();
        SnowflakeIds node1 = new SnowflakeIds(clock, 1);
        SnowflakeIds node2 = new SnowflakeIds(clock, 2);
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            made.add(node1.next());
            made.add(node2.next());
        }
        Thread ticker = new Thread(() -> clock.millis.incrementAndGet());
        ticker.start(); // the 257th id of this millisecond must wait for the clock to move
        long next = node1.next();
        assertThat(SnowflakeIds.timeOf(next)).isAfter(SnowflakeIds.timeOf(made.get(0)));
        made.add(next);
        assertThat(made).doesNotHaveDuplicates();
    }

    @Test
    void aClockThatStepsBackNeverRepeatsAnId() {
        ManualClock clock = new ManualClock();
        SnowflakeIds ids = new SnowflakeIds(clock, 0);
        long before = ids.next();
        clock.millis.addAndGet(-5_000);
        assertThat(ids.next()).isGreaterThan(before);
    }

    @Test
    void nodeIdMustFitItsBits() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SnowflakeIds(Clock.systemUTC(), 16))
                .withMessageContaining("twitter.node-id");
    }
}
