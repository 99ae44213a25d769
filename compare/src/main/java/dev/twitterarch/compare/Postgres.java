package dev.twitterarch.compare;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The comparison's own JDBC connections (seeding, ceilings, fan-out progress): plain JDBC, no pool. */
public final class Postgres {

    private Postgres() {
    }

    public static Connection connect(Knobs knobs) {
        try {
            return DriverManager.getConnection(knobs.jdbcUrl(), knobs.jdbcUser(), knobs.jdbcPassword());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + knobs.jdbcUrl() + " as " + knobs.jdbcUser()
                    + ": " + e.getMessage() + " (is PostgreSQL running?)", e);
        }
    }

    /** A schema name compare.sh passed: it is spliced into SQL, so only plain lowercase names pass. */
    public static String schema(String name) {
        if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain schema name: " + name);
        }
        return name;
    }
}
