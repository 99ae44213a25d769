package dev.twitterarch.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures mean "PostgreSQL cannot be reached right now", as the API's 503 and the workers' holding see them. */
class DatabaseOutageTest {

    @Test
    void noConnectionIsAnOutage() {
        assertThat(DatabaseOutage.causedBy(new CannotCreateTransactionException("Could not open JDBC Connection for transaction",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out after 5000ms")))).isTrue();
        assertThat(DatabaseOutage.causedBy(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection"))).isTrue();
        assertThat(DatabaseOutage.causedBy(new DataAccessResourceFailureException("broken"))).isTrue();
    }

    @Test
    void aLostConnectionIsAnOutageWhereverItSitsInTheChain() {
        assertThat(DatabaseOutage.causedBy(new RuntimeException(new SQLException("An I/O error occurred", "08006")))).isTrue();
        assertThat(DatabaseOutage.causedBy(new SQLException("FATAL: terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(DatabaseOutage.causedBy(new SQLException("the database system is starting up", "57P03"))).isTrue();
    }

    @Test
    void aRollbackThatFailedIsJudgedByWhatMadeItRollBack() {
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed", new SQLException("closed", "08003"));
        assertThat(DatabaseOutage.causedBy(rollback)).isTrue();
        assertThat(DatabaseOutage.causedBy(new TransactionSystemException("JDBC rollback failed", new SQLException("odd"))))
                .as("a rollback the driver could not do").isTrue();
        TransactionSystemException hiding = new TransactionSystemException("rollback failed", new IllegalStateException("odd"));
        hiding.initApplicationException(new DataAccessResourceFailureException("terminating connection",
                new SQLException("FATAL: terminating connection due to administrator command", "57P01")));
        assertThat(DatabaseOutage.causedBy(hiding)).isTrue();
    }

    @Test
    void aFailureOfTheStatementItselfIsNot() {
        assertThat(DatabaseOutage.causedBy(new CannotAcquireLockException("deadlock", new SQLException("deadlock detected", "40P01")))).isFalse();
        assertThat(DatabaseOutage.causedBy(new DataIntegrityViolationException("fk", new SQLException("violates", "23503")))).isFalse();
        assertThat(DatabaseOutage.causedBy(new IllegalStateException("a bug"))).isFalse();
    }
}
