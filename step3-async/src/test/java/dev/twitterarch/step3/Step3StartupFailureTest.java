package dev.twitterarch.step3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.common.testing.WorkerProcessFixture;
import dev.twitterarch.common.testing.WorkerProcessFixture.Worker;
import dev.twitterarch.messaging.Topology;

/**
 * A step that cannot start says why in one block, Spring Boot's failure analysis: "APPLICATION
 * FAILED TO START", what is wrong, what to do; no stack trace on the console (it is logged at DEBUG).
 * Each case starts the step as a real process (a worker: no web server to wait for) with one thing
 * wrong, and reads what it printed.
 */
class Step3StartupFailureTest {

    private static final Duration EXIT = Duration.ofSeconds(120);

    private final String queuePrefix = TestServices.newQueuePrefix();
    private final WorkerProcessFixture processes = new WorkerProcessFixture(Step3Application.class, "step3_startup", queuePrefix);

    @AfterEach
    void tearDown() {
        processes.close();
    }

    @Test
    void postgresqlUnreachable() {
        String log = failedStart("--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres");
        assertThat(log).contains("is unreachable: Connection to 127.0.0.1:", "Start PostgreSQL", "spring.datasource.url");
    }

    @Test
    void rabbitmqUnreachable() {
        String log = failedStart("--spring.rabbitmq.port=" + closedPort());
        assertThat(log).contains("RabbitMQ at ", " is unreachable: java.net.ConnectException", "Start RabbitMQ",
                "spring.rabbitmq.host and spring.rabbitmq.port");
    }

    @Test
    void aTwitterSettingOutOfRange() {
        String log = failedStart("--twitter.node-id=99");
        assertThat(log).contains("twitter.node-id", "must be less than or equal to 15");
    }

    @Test
    void aQueueLeftByAnEarlierVersion() throws Exception {
        Topology topology = new Topology(queuePrefix);
        try (Connection connection = TestServices.rabbitmq().connectionFactory().newConnection("startup-failure-test");
             Channel channel = connection.createChannel()) {
            channel.queueDeclare(topology.fanOutQueue(), true, false, false, null); // a classic queue, as before quorum queues
        }
        String log = failedStart();
        assertThat(log).contains("RabbitMQ already has a queue '" + topology.fanOutQueue() + "' declared with other arguments",
                "rabbitmqctl delete_queue " + topology.fanOutQueue(), "--twitter.reset-on-start=true");
    }

    /** Starts the step with {@code arguments}, expects it to exit 1, checks the report's form and returns the output. */
    private String failedStart(String... arguments) {
        Worker process = processes.start(arguments);
        int exitCode = process.awaitExit(EXIT);
        String log = process.log();
        assertThat(exitCode).as("exit code; output:\n%s", log).isEqualTo(1);
        assertThat(log).as("the output").contains("APPLICATION FAILED TO START", "Description:", "Action:");
        List<String> traceLines = log.lines().filter(line -> line.startsWith("\tat ") || line.startsWith("Caused by: ")).toList();
        assertThat(traceLines).as("stack trace lines in the output:\n%s", log).isEmpty();
        assertThat(log).as("the context's warning that repeats the report").doesNotContain("Exception encountered during context initialization");
        System.out.printf("%s: %d lines of output, the report:%n%s%n", String.join(" ", arguments), log.lines().count(),
                log.substring(log.indexOf("Description:")).strip());
        return log;
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // free, and nobody listens once the socket is closed
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
