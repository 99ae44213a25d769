package dev.twitterarch.step5;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.twitterarch.common.CommonConfiguration;
import dev.twitterarch.messaging.MessagingConfiguration;
import dev.twitterarch.messaging.WorkerProcess;

/**
 * Step 5, production-ready fan-out: events go through a transactional outbox (nothing lost between
 * commit and publish), followers travel in batches of 100 routed by bucket, workers write a batch
 * with one statement, and the whole pipeline is measured at /metrics and checked at /health.
 * Roles as in step 4: {@code api} runs the API, the outbox relay and the dispatcher; {@code worker}
 * runs batch workers; {@code both} (default) runs everything.
 */
@SpringBootApplication
@Import({CommonConfiguration.class, MessagingConfiguration.class, Step5Wiring.class})
public class Step5Application {

    public static void main(String[] args) {
        WorkerProcess.run(Step5Application.class, args);
    }
}
