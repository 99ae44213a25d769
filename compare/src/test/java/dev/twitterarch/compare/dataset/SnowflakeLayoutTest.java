package dev.twitterarch.compare.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class SnowflakeLayoutTest {

    @Test
    void theLayoutIsTheApplications41BitsMillis4BitsNode8BitsSequence() {
        long millis = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();
        long id = SnowflakeLayout.id(millis, 15, 3);
        assertEquals(millis - Instant.parse("2024-01-01T00:00:00Z").toEpochMilli(), id >>> 12);
        assertEquals(15, (id >>> 8) & 0xF);
        assertEquals(3, id & 0xFF);
        assertEquals(millis, SnowflakeLayout.millisOf(id));
        assertTrue(id < (1L << 53), "ids stay exact in JavaScript");
    }

    @Test
    void seededIdsSortBeforeAnythingTheApplicationMakesLater() {
        long millis = System.currentTimeMillis();
        assertTrue(SnowflakeLayout.seeded(millis - 1) < SnowflakeLayout.id(millis, 0, 0));
        assertTrue(SnowflakeLayout.seeded(millis) > SnowflakeLayout.id(millis, 0, 255), "same millisecond: node 15 sorts last");
    }

    @Test
    void anIdIsMadeBetweenTwoTimesIfItsMillisecondsAreAndNotIfItIsReadInAnotherLayout() {
        long millis = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();
        long id = SnowflakeLayout.id(millis, 0, 7);
        assertTrue(SnowflakeLayout.madeBetween(id, millis - 5, millis + 5));
        assertFalse(SnowflakeLayout.madeBetween(id, millis + 60_000, millis + 61_000));
        assertFalse(SnowflakeLayout.madeBetween(id << 2, millis - 5, millis + 5), "two more sequence bits");
        assertFalse(SnowflakeLayout.madeBetween(millis, millis - 5, millis + 5), "milliseconds alone are no id");
    }
}
