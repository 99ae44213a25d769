package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.context.annotation.Import;

/**
 * The same contract, with the step's database on a real Citus cluster ({@link TestServices#citus()}):
 * the schema distributes its tables, and every query must obey Citus's rules (colocated joins,
 * unique keys on the distribution column). Skipped, with one line saying how to enable it, when
 * no Citus coordinator is given and no Docker engine can start one. One empty subclass per step.
 */
@ExtendWith(CitusFeedContract.CitusAvailable.class)
@Import(CitusDatabase.class)
public abstract class CitusFeedContract extends FeedContract {

    @Autowired
    JdbcClient jdbc;

    /** The tables the step uses are distributed by their user id, all in one colocation group, over the workers. */
    @Test
    void tablesAreDistributedAndColocated() {
        List<String> distributed = jdbc.sql("""
                        SELECT logicalrelid::regclass::text FROM pg_dist_partition
                        WHERE partmethod = 'h' AND colocationid = (SELECT colocationid FROM pg_dist_partition
                                                                   WHERE logicalrelid = 'users'::regclass)""")
                .query(String.class).list();
        assertThat(distributed).as("tables colocated with users")
                .anySatisfy(table -> assertThat(table).endsWith("tweets"))
                .anySatisfy(table -> assertThat(table).endsWith("followers"))
                .anySatisfy(table -> assertThat(table).endsWith("following"));
        // hash-distributed tables only: a reference table (step 6's celebrities) has a copy on every node
        long nodes = jdbc.sql("SELECT count(DISTINCT nodeport) FROM citus_shards WHERE citus_table_type = 'distributed'")
                .query(Long.class).single();
        long workers = jdbc.sql("SELECT count(*) FROM pg_dist_node WHERE groupid <> 0 AND isactive").query(Long.class).single();
        assertThat(nodes).as("nodes holding shards").isEqualTo(Math.max(workers, 1));
    }

    /** Skips the Citus contract, saying once per run how to enable it. */
    static class CitusAvailable implements ExecutionCondition {

        private static volatile boolean said;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (TestServices.citusAvailable()) {
                return ConditionEvaluationResult.enabled("a Citus coordinator is available");
            }
            if (!said) {
                said = true;
                System.out.println("TestServices: " + TestServices.HOW_TO_ENABLE_CITUS);
            }
            return ConditionEvaluationResult.disabled(TestServices.HOW_TO_ENABLE_CITUS);
        }
    }
}
