package dev.twitterarch.common.db;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * A step that cannot reach PostgreSQL at start says so in one block (Spring Boot's "APPLICATION
 * FAILED TO START": what failed, what to do), instead of a hundred lines of bean-creation stack
 * trace; the trace is logged at DEBUG. Registered in {@code META-INF/spring.factories}.
 */
class DatabaseStartupFailureAnalyzer implements FailureAnalyzer, Ordered {

    private final Environment environment;

    DatabaseStartupFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        SQLException sql = null;
        for (Throwable cause = failure; cause != null && sql == null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException candidate && candidate.getSQLState() != null) {
                sql = candidate;
            }
        }
        if (sql == null) {
            return null;
        }
        String state = sql.getSQLState();
        String where = "PostgreSQL at " + setting("spring.datasource.url") + " (user " + setting("spring.datasource.username") + ")";
        String said = sql.getMessage() == null ? state : sql.getMessage().lines().findFirst().orElse(state);
        if (state.startsWith("08") || state.equals("57P03")) {
            return new FailureAnalysis(where + " is unreachable: " + said,
                    "Start PostgreSQL (docker compose up -d, or a local server: pg_ctlcluster <version> main start),"
                            + " or point spring.datasource.url at a running server.", failure);
        }
        if (state.startsWith("28")) {
            return new FailureAnalysis(where + " refused the login: " + said,
                    "Set spring.datasource.username and spring.datasource.password to a role the server accepts.", failure);
        }
        if (state.equals("3D000")) {
            return new FailureAnalysis(where + " has no such database: " + said,
                    "Create the database (createdb <name>) or point spring.datasource.url at an existing one"
                            + " (every step keeps its tables in its own schema of one database, postgres by default).", failure);
        }
        return null;
    }

    private String setting(String name) {
        String value = environment == null ? null : environment.getProperty(name);
        return value == null || value.isEmpty() ? "(" + name + " not set)" : value;
    }

    /** Before Spring Boot's generic analyzers of bean-creation failures, which would name only the bean. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
