package dev.twitterarch.common.db;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Whether a failure means "PostgreSQL cannot be reached right now" (down, restarting, the network
 * cut, no connection free in the pool), as opposed to a failure of this request or message. The
 * first is nobody's fault and passes by itself: the API answers 503 with Retry-After, a worker holds
 * its message and tries again without counting an attempt against it.
 */
public final class DatabaseOutage {

    private DatabaseOutage() {
    }

    public static boolean causedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof CannotCreateTransactionException || cause instanceof DataAccessResourceFailureException
                    || cause instanceof RecoverableDataAccessException || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLNonTransientConnectionException || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null && connectionLost(sql.getSQLState())) {
                return true;
            }
            // a commit or rollback that failed in the driver: its connection is gone (and the failure
            // that made the transaction roll back may hide behind it)
            if (cause instanceof TransactionSystemException ended && (ended.getCause() instanceof SQLException
                    || ended.getApplicationException() != null && causedBy(ended.getApplicationException()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE class 08 (connection exception), and 57P01-57P03 (the server is shutting down,
     * crashed, or is not accepting connections yet).
     */
    private static boolean connectionLost(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }
}
