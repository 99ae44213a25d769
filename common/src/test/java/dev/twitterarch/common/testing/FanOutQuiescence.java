package dev.twitterarch.common.testing;

import java.util.function.BooleanSupplier;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.twitterarch.messaging.FanOutTracker;
import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Topology;

/**
 * When a step's fan-out has quiesced, observed from outside the feed seam: no event waits in the
 * outbox (by SQL, where the step has one), everything this process published has been settled
 * ({@link FanOutTracker}, which says why the broker alone cannot tell), and no queue the step
 * declared holds a ready message. A synchronous step (no messaging beans) is always quiescent.
 * Checked in that order, the direction work flows, so work moving on between two checks is seen.
 */
public final class FanOutQuiescence {

    private FanOutQuiescence() {
    }

    public static BooleanSupplier of(ApplicationContext context) {
        FanOutTracker tracker = context.getBeanProvider(FanOutTracker.class).getIfAvailable();
        if (tracker == null) {
            return () -> true;
        }
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        Rabbit rabbit = context.getBean(Rabbit.class);
        Topology topology = context.getBean(Topology.class);
        boolean outbox = jdbc.sql("SELECT to_regclass('outbox') IS NOT NULL").query(Boolean.class).single();
        return () -> (!outbox || jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single() == 0)
                && tracker.balanced()
                && topology.workQueues().stream().allMatch(queue -> rabbit.depth(queue) == 0);
    }
}
