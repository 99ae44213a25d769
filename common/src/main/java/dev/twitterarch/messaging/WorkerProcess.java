package dev.twitterarch.messaging;

import java.util.Map;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import dev.twitterarch.common.TwitterApplication;

/**
 * {@code --twitter.messaging.role=worker} starts the same jar as a worker only, as the original
 * ran {@code worker.py 0..3}: no web server, no HTTP port to collide with the API's.
 * Asynchronous steps start through {@link #run}.
 */
public class WorkerProcess implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    /** Starts an asynchronous step's application, as API, worker or both. */
    public static ConfigurableApplicationContext run(Class<?> application, String... args) {
        return TwitterApplication.run(application, args, new WorkerProcess());
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        var environment = event.getEnvironment();
        if (!Role.of(environment).plays(Role.API)) {
            environment.getPropertySources().addFirst(new MapPropertySource("worker-process",
                    Map.of("spring.main.web-application-type", "none")));
        }
    }
}
