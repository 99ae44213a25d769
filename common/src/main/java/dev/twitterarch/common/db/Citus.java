package dev.twitterarch.common.db;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Whether the database the application uses is a Citus coordinator: the steps that shape their SQL for shards ask here. */
public final class Citus {

    private Citus() {
    }

    /** True when the citus extension is installed in this database. */
    public static boolean installed(JdbcClient jdbc) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')").query(Boolean.class).single();
    }
}
