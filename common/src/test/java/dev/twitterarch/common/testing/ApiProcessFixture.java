package dev.twitterarch.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.twitterarch.common.testing.WorkerProcessFixture.Worker;

/**
 * The sibling of {@link WorkerProcessFixture} for the other side: starts a step as a separate API
 * JVM ({@code --twitter.messaging.role=api} on a free HTTP port), against this test run's database
 * and queues, so a test can kill the process that owns the outbox relay and the dispatcher for real
 * ({@code kill -9}) and start a fresh one.
 *
 * <p>The processes are started like {@link WorkerProcessFixture}'s (same services, log files and
 * {@code application_name}), with role {@code api}, a free port and a {@code twitter.node-id} of
 * their own (so the ids they make never collide with the test context's, node 0, or another
 * process's). {@link #close()} kills whatever still runs; call it from {@code @AfterEach}.
 *
 * <pre>
 *   ApiProcessFixture apis = new ApiProcessFixture(Step5Application.class, "step5", queuePrefix);
 *   ApiProcess api = apis.start().awaitStarted(Duration.ofSeconds(120));
 *   long user = api.client().createUser();
 *   api.process().kill();
 * </pre>
 */
public final class ApiProcessFixture implements AutoCloseable {

    /** Node ids 1..15 (the test context uses 0, the default). */
    private static final AtomicInteger NODES = new AtomicInteger();

    private final WorkerProcessFixture processes;

    /**
     * @param mainClass   the step's application class
     * @param schema      the {@code twitter.schema} the test context uses
     * @param queuePrefix the test context's {@code twitter.messaging.prefix}
     */
    public ApiProcessFixture(Class<?> mainClass, String schema, String queuePrefix) {
        this.processes = new WorkerProcessFixture(mainClass, schema, queuePrefix);
    }

    /** One API process: the OS process (kill, SIGTERM, log) and the port it serves HTTP on. */
    public record ApiProcess(Worker process, int port) {

        public String name() {
            return process.name();
        }

        public ApiClient client() {
            return new ApiClient(port);
        }

        /** Waits until Spring Boot reports the application started (web server up, relay and consumers started). */
        public ApiProcess awaitStarted(Duration timeout) {
            process.awaitLog("Started ", timeout);
            return this;
        }
    }

    /** Starts one API process with this run's services plus {@code extraArguments}. */
    public ApiProcess start(String... extraArguments) {
        int port = freePort();
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--twitter.node-id=" + (NODES.getAndIncrement() % 15 + 1)));
        arguments.addAll(Arrays.asList(extraArguments));
        return new ApiProcess(processes.launch("api", arguments), port);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    @Override
    public void close() {
        processes.close();
    }
}
