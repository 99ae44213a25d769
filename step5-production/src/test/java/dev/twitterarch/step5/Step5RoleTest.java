package dev.twitterarch.step5;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.messaging.ConsumerGroup;
import dev.twitterarch.messaging.WorkerProcess;

/**
 * The process role, started the way the jar starts ({@link WorkerProcess#run}) and bound as Spring
 * binds enums: {@code worker} and {@code WORKER} alike run the batch workers only, with no web
 * server, no outbox relay and no dispatcher (the API side's); {@code api} runs no worker.
 */
class Step5RoleTest {

    private static ConfigurableApplicationContext start(String role) {
        List<String> args = new ArrayList<>();
        TestServices.register((name, value) -> args.add("--" + name + "=" + value.get()));
        args.add("--twitter.messaging.role=" + role);
        args.add("--server.port=0");
        return WorkerProcess.run(Step5Application.class, args.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker", "WORKER", "Worker"})
    void aWorkerProcessRunsWorkersOnly(String role) {
        try (ConfigurableApplicationContext context = start(role)) {
            assertThat(context).as("no web server").isNotInstanceOf(WebServerApplicationContext.class);
            assertThat(context.getBeanNamesForType(OutboxRelay.class)).as("outbox relay").isEmpty();
            assertThat(context.containsBean("dispatcherConsumer")).as("dispatcher").isFalse();
            assertThat(context.getBean(ConsumerGroup.class).members()).as("batch workers").hasSize(4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "API"})
    void anApiProcessRunsNoWorker(String role) {
        try (ConfigurableApplicationContext context = start(role)) {
            assertThat(context).isInstanceOf(WebServerApplicationContext.class);
            assertThat(context.getBeanNamesForType(OutboxRelay.class)).hasSize(1);
            assertThat(context.containsBean("dispatcherConsumer")).isTrue();
            assertThat(context.getBeanNamesForType(ConsumerGroup.class)).as("batch workers").isEmpty();
        }
    }
}
