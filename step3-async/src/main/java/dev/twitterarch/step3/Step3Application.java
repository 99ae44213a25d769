package dev.twitterarch.step3;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.twitterarch.common.CommonConfiguration;
import dev.twitterarch.messaging.MessagingConfiguration;
import dev.twitterarch.messaging.WorkerProcess;

/**
 * Step 3: the API publishes "tweet posted" (and follow, unfollow, delete) to RabbitMQ after its
 * commit; one fan-out worker writes the followers' feed rows. Runs as API and worker by default;
 * {@code --twitter.messaging.role=worker} starts a worker-only process, {@code =api} an API without one.
 */
@SpringBootApplication
@Import({CommonConfiguration.class, MessagingConfiguration.class})
public class Step3Application {

    public static void main(String[] args) {
        WorkerProcess.run(Step3Application.class, args);
    }
}
