package dev.twitterarch.messaging;

import java.util.Map;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code --twitter.messaging.role=worker} starts the same jar as a worker only, as the original
 * ran {@code worker.py 0..3}: no web server, no HTTP port to collide with the API's.
 * Add it to a step's {@code SpringApplication} before {@code run}.
 */
public class WorkerProcess implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        var environment = event.getEnvironment();
        if ("worker".equalsIgnoreCase(environment.getProperty("twitter.messaging.role", "both"))) {
            environment.getPropertySources().addFirst(new MapPropertySource("worker-process",
                    Map.of("spring.main.web-application-type", "none")));
        }
    }
}
