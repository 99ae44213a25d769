package dev.twitterarch.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.twitterarch.common.testing.WorkerProcessFixture.Worker;

/**
 * The sibling of {@link WorkerProcessFixture} for the other side: starts a step as a separate API
 * JVM ({@code --twitter.messaging.role=api} on a free HTTP port), against this test run's database
 * and queues, so a test can kill the process that owns the outbox relay and the dispatcher for real
 * ({@code kill -9}) and start a fresh one.
 *
 * <p>Each process gets its own {@code twitter.node-id} (so the ids it makes never collide with the
 * test context's, node 0, or another process's), writes its output to
 * {@code target/worker-logs/<name>.log}, and names its database sessions after itself
 * ({@code application_name}). {@link #close()} kills whatever still runs; call it from {@code @AfterEach}.
 *
 * <pre>
 *   ApiProcessFixture apis = new ApiProcessFixture(Step5Application.class, "step5", queuePrefix);
 *   ApiProcess api = apis.start().awaitStarted(Duration.ofSeconds(120));
 *   long user = api.client().createUser();
 *   api.process().kill();
 * </pre>
 */
public final class ApiProcessFixture implements AutoCloseable {

    private static final Path LOG_DIRECTORY = Path.of("target", "worker-logs");
    private static final AtomicInteger STARTED = new AtomicInteger();
    /** Node ids 1..15 (the test context uses 0, the default). */
    private static final AtomicInteger NODES = new AtomicInteger();

    private final Class<?> mainClass;
    private final String schema;
    private final String queuePrefix;
    private final List<ApiProcess> started = new CopyOnWriteArrayList<>();
    private final Thread killAtExit = new Thread(this::killAll, "kill-api-processes");

    /**
     * @param mainClass   the step's application class
     * @param schema      the {@code twitter.schema} the test context uses
     * @param queuePrefix the test context's {@code twitter.messaging.prefix}
     */
    public ApiProcessFixture(Class<?> mainClass, String schema, String queuePrefix) {
        this.mainClass = mainClass;
        this.schema = schema;
        this.queuePrefix = queuePrefix;
        Runtime.getRuntime().addShutdownHook(killAtExit);
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
        TestServices.Database db = TestServices.postgres();
        TestServices.Broker broker = TestServices.rabbitmq();
        String name = mainClass.getSimpleName().toLowerCase() + "-api-" + STARTED.incrementAndGet();
        int port = freePort();
        int node = NODES.getAndIncrement() % 15 + 1;
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp", WorkerProcessFixture.mainClasspath(),
                mainClass.getName(),
                "--twitter.messaging.role=api",
                "--server.port=" + port,
                "--twitter.node-id=" + node,
                "--twitter.schema=" + schema,
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--spring.datasource.hikari.data-source-properties.ApplicationName=" + name,
                "--spring.rabbitmq.host=" + broker.host(),
                "--spring.rabbitmq.port=" + broker.port(),
                "--spring.rabbitmq.username=" + broker.username(),
                "--spring.rabbitmq.password=" + broker.password(),
                "--twitter.messaging.prefix=" + queuePrefix,
                "--spring.main.banner-mode=off"));
        command.addAll(Arrays.asList(extraArguments));
        try {
            Files.createDirectories(LOG_DIRECTORY);
            Path log = LOG_DIRECTORY.resolve(name + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ApiProcess api = new ApiProcess(new Worker(name, process, log), port);
            started.add(api);
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
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
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void killAll() {
        for (ApiProcess api : started) {
            api.process().kill();
        }
    }
}
