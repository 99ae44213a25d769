package dev.twitterarch.common.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * Catches a worker in the middle of its work with no hook in the main code: the test inserts, in a
 * transaction it keeps open, the very {@code feed_items} row a worker is about to write. The
 * worker's {@code INSERT ... ON CONFLICT DO NOTHING} then has to wait for this transaction to learn
 * whether the key is taken, so it sits in a real statement holding a delivered, unacknowledged
 * message until {@link #release()} rolls the row back (and the worker's insert goes through).
 * Find the blocked session with {@link FanOutTestSupport#feedWritersBlockedBy(int) feedWritersBlockedBy(session())}.
 */
public final class FeedRowLock implements AutoCloseable {

    private final Connection connection;
    private final int session;
    private boolean released;

    private FeedRowLock(Connection connection, int session) {
        this.connection = connection;
        this.session = session;
    }

    /** Holds an uncommitted row (reader, tweet, author) of feed_items until {@link #release()}. */
    public static FeedRowLock hold(DataSource dataSource, long reader, long tweetId, long authorId) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO feed_items (user_id, tweet_id, author_id) VALUES (?, ?, ?)")) {
                insert.setLong(1, reader);
                insert.setLong(2, tweetId);
                insert.setLong(3, authorId);
                insert.executeUpdate();
            }
            try (Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
                result.next();
                return new FeedRowLock(connection, result.getInt(1));
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The pid of the database session holding the row. */
    public int session() {
        return session;
    }

    /** Rolls the row back: whoever waited for it now inserts its own. */
    public void release() throws SQLException {
        if (released) {
            return;
        }
        released = true;
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }

    @Override
    public void close() throws SQLException {
        release();
    }
}
