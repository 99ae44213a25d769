package dev.twitterarch.step4;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.twitterarch.common.CommonConfiguration;
import dev.twitterarch.messaging.MessagingConfiguration;
import dev.twitterarch.messaging.WorkerProcess;

/**
 * Step 4: the API publishes events as in step 3; a dispatcher turns each into one message per
 * follower on an x-consistent-hash exchange, which spreads them over N worker queues.
 * Roles: {@code both} (default) runs API, dispatcher and all N workers in one process;
 * {@code api} runs the API and the dispatcher; {@code worker} with
 * {@code --twitter.messaging.worker-index=i} runs worker i alone, like the original's worker.py i.
 */
@SpringBootApplication
@Import({CommonConfiguration.class, MessagingConfiguration.class})
public class Step4Application {

    public static void main(String[] args) {
        WorkerProcess.run(Step4Application.class, args);
    }
}
