package dev.twitterarch.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.PessimisticLockingFailureException;

class QueueConsumerLogTest {

    /** A retry's WARN line: the failure and its deepest cause on one line, not the statement's many. */
    @Test
    void aFailureIsLoggedOnOneLineWithItsDeepestCause() {
        var failure = new PessimisticLockingFailureException("PreparedStatementCallback; SQL [INSERT INTO feed_items\n  SELECT ...\n]",
                new SQLException("simulated deadlock\n  Where: PL/pgSQL function"));

        assertThat(QueueConsumer.oneLine(failure))
                .isEqualTo("PessimisticLockingFailureException (SQLException: simulated deadlock Where: PL/pgSQL function)");
        assertThat(QueueConsumer.oneLine(new IllegalStateException("no  cause"))).isEqualTo("IllegalStateException: no cause");
    }
}
