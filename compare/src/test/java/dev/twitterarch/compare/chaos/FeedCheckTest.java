package dev.twitterarch.compare.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite's check against a small hand-made database state in a schema of its own (the
 * local PostgreSQL, or TWITTER_TEST_POSTGRES_URL): author 1 is followed by 2 and 3; 4 follows
 * nobody; 5 is a step 6 celebrity followed by 1.
 */
class FeedCheckTest {

    private static final String MARKER = "chaos test #";

    private Connection db;
    private String schema;

    @BeforeEach
    void handMadeState() throws SQLException {
        String url = System.getenv().getOrDefault("TWITTER_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        db = DriverManager.getConnection(url, System.getenv().getOrDefault("TWITTER_TEST_POSTGRES_USER", "postgres"),
                System.getenv().getOrDefault("TWITTER_TEST_POSTGRES_PASSWORD", ""));
        schema = "chaos_check_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        sql("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".tweets (user_id bigint, id bigint, content text, PRIMARY KEY (user_id, id))",
                "CREATE TABLE " + schema + ".followers (user_id bigint, follower_id bigint, PRIMARY KEY (user_id, follower_id))",
                "CREATE TABLE " + schema + ".feed_items (user_id bigint, tweet_id bigint, author_id bigint, PRIMARY KEY (user_id, tweet_id))",
                "INSERT INTO " + schema + ".followers VALUES (1, 2), (1, 3), (5, 1)",
                // 10: complete; 11: misses reader 3; 12: complete plus a row for 4; 13: acknowledged, never stored;
                // 14: stored without a 201, only its author's row; 15 and 16: one post stored twice, both complete;
                // 17: not the scenario's
                "INSERT INTO " + schema + ".tweets VALUES (1, 10, 'chaos test #1'), (1, 11, 'chaos test #2'), (1, 12, 'chaos test #3'),"
                        + " (1, 14, 'chaos test #5'), (1, 15, 'chaos test #6'), (1, 16, 'chaos test #6'), (1, 17, 'other')",
                "INSERT INTO " + schema + ".feed_items VALUES (1, 10, 1), (2, 10, 1), (3, 10, 1), (1, 11, 1), (2, 11, 1),"
                        + " (1, 12, 1), (2, 12, 1), (3, 12, 1), (4, 12, 1), (1, 14, 1),"
                        + " (1, 15, 1), (2, 15, 1), (3, 15, 1), (1, 16, 1), (2, 16, 1), (3, 16, 1), (4, 17, 1)");
    }

    @AfterEach
    void drop() throws SQLException {
        sql("DROP SCHEMA " + schema + " CASCADE");
        db.close();
    }

    @Test
    void countsLostDuplicateStrayAndOrphanedRows() throws SQLException {
        FeedCheck.Result result = new FeedCheck(db, schema).check(Map.of(10L, 1L, 11L, 1L, 12L, 1L, 13L, 1L, 15L, 1L), MARKER);

        assertEquals(1, result.lostTweets(), "13 is not stored");
        assertEquals(1 + 3, result.lost(), "11 misses reader 3; 13 misses all three");
        assertEquals(1, result.duplicate(), "post #6 is stored twice");
        assertEquals(1, result.stray(), "12 reached 4, who does not follow 1");
        assertEquals(2, result.unacknowledgedStored(), "14 and 16");
        assertEquals(2, result.orphaned(), "14 misses readers 2 and 3");
    }

    @Test
    void rowsOfATweetTheStepDeclaredLostAreCountedApart() throws SQLException {
        FeedCheck.Result result = new FeedCheck(db, schema).check(Map.of(10L, 1L, 11L, 1L, 13L, 1L), MARKER, Set.of(11L, 14L));

        assertEquals(3, result.lost(), "13 misses all three; 11 is declared");
        assertEquals(0, result.orphaned(), "14 is declared");
        assertEquals(1 + 2, result.declared(), "11 misses reader 3, 14 readers 2 and 3");
    }

    @Test
    void aTweetIsCompleteWhenItsAuthorAndEveryFollowerHaveIt() throws SQLException {
        assertEquals(Set.of(10L, 12L), new FeedCheck(db, schema).complete(Map.of(10L, 1L, 11L, 1L, 12L, 1L, 13L, 1L)));
    }

    @Test
    void aCelebrityTweetNeedsOnlyItsAuthorsRowAndAFollowersRowIsNotStray() throws SQLException {
        sql("CREATE TABLE " + schema + ".celebrities (user_id bigint PRIMARY KEY)", "INSERT INTO " + schema + ".celebrities VALUES (5)",
                "INSERT INTO " + schema + ".tweets VALUES (5, 20, 'chaos test #7'), (5, 21, 'chaos test #8')",
                "INSERT INTO " + schema + ".feed_items VALUES (5, 20, 5), (5, 21, 5), (1, 21, 5), (2, 21, 5)");
        FeedCheck check = new FeedCheck(db, schema);

        FeedCheck.Result result = check.check(Map.of(20L, 5L), "chaos test #7");

        assertEquals(0, result.lost());
        assertEquals(0, result.stray(), "the scenario's tweet is 20 only");
        assertEquals(1, check.check(Map.of(20L, 5L, 21L, 5L), "chaos test #8").stray(), "21 reached 2, who does not follow 5 (1 does: not stray)");
        assertEquals(Set.of(20L, 21L), check.complete(Map.of(20L, 5L, 21L, 5L)));
        assertEquals(Set.of(5L), check.celebritiesAmong(Set.of(1L, 5L)));
    }

    @Test
    void stepOneHasNoFeedRowsOnlyStoredTweets() throws SQLException {
        sql("DROP TABLE " + schema + ".feed_items");
        FeedCheck check = new FeedCheck(db, schema);

        FeedCheck.Result result = check.check(Map.of(10L, 1L, 13L, 1L), MARKER);

        assertFalse(check.hasFeedItems());
        assertEquals(1, result.lost(), "13 is not stored");
        assertEquals(0, result.stray());
        assertEquals(Set.of(10L), check.complete(Map.of(10L, 1L, 13L, 1L)));
    }

    @Test
    void aLinePassesOnlyWithNothingLostDuplicatedOrStray() {
        assertTrue(figures(5, 0, 0, 0).passed());
        assertFalse(figures(5, 1, 0, 0).passed());
        assertFalse(figures(5, 0, 1, 0).passed());
        assertFalse(figures(5, 0, 0, 1).passed());
        assertFalse(figures(0, 0, 0, 0).passed(), "nothing acknowledged proves nothing");
        assertTrue(figures(5, 0, 0, 0).line().startsWith("broker      step 3  acknowledged=5 lost=0 duplicate=0 stray=0"));
        assertTrue(figures(5, 0, 0, 0).line().contains("longest-lag=1.5s  PASS"));
    }

    private static Figures figures(long acknowledged, long lost, long duplicate, long stray) {
        return new Figures("broker", 3, acknowledged, lost, duplicate, stray, 0, 0, 2, 0, 0, 1500, "");
    }

    private void sql(String... statements) throws SQLException {
        try (Statement sql = db.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }
}
