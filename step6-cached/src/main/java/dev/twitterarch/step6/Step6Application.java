package dev.twitterarch.step6;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.twitterarch.common.CommonConfiguration;
import dev.twitterarch.messaging.MessagingConfiguration;
import dev.twitterarch.messaging.WorkerProcess;
import dev.twitterarch.step5.Step5Wiring;

/**
 * Step 6: step 5's fan-out, plus a Redis sorted set per home timeline in front of feed_items.
 * Workers push each new tweet onto the followers' cached timelines after their commit; reads come
 * from Redis, and fall back to PostgreSQL on a miss, a page deeper than the cache, or Redis being down.
 */
@SpringBootApplication
@Import({CommonConfiguration.class, MessagingConfiguration.class, Step5Wiring.class})
public class Step6Application {

    public static void main(String[] args) {
        WorkerProcess.run(Step6Application.class, args);
    }
}
