package dev.twitterarch.common.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Starts a step as a separate worker JVM, the way a deployment scales workers out
 * ({@code java -cp ... StepNApplication --twitter.messaging.role=worker}), against this test run's
 * database and queues. The test can then do to it what happens to real processes: kill it
 * ({@code kill -9}), stop it ({@code SIGTERM}), start another one.
 *
 * <p>Each process writes its output to {@code target/worker-logs/<name>.log}. {@link #close()}
 * kills whatever is still running; call it from {@code @AfterEach} (a shutdown hook is the last
 * resort if the test JVM itself dies).
 *
 * <pre>
 *   &#64;Value("${twitter.messaging.prefix}") String queuePrefix;
 *   WorkerProcessFixture workers = new WorkerProcessFixture(Step4Application.class, "step4", queuePrefix);
 *   Worker w = workers.start("--twitter.messaging.worker-index=2");
 *   w.awaitLog("consuming ");
 * </pre>
 */
public final class WorkerProcessFixture implements AutoCloseable {

    private static final Path LOG_DIRECTORY = Path.of("target", "worker-logs");
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final Class<?> mainClass;
    private final String schema;
    private final String queuePrefix;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final Thread killAtExit = new Thread(this::killAll, "kill-worker-processes");

    /**
     * @param mainClass the step's application class (its {@code main} is what runs)
     * @param schema      the step's {@code twitter.schema}, the same one the test context uses
     * @param queuePrefix the test context's {@code twitter.messaging.prefix} ({@link TestServices}
     *                    gives each context its own), so the workers consume that context's queues
     */
    public WorkerProcessFixture(Class<?> mainClass, String schema, String queuePrefix) {
        this.mainClass = mainClass;
        this.schema = schema;
        this.queuePrefix = queuePrefix;
        Runtime.getRuntime().addShutdownHook(killAtExit);
    }

    /**
     * Starts one worker process with this run's services (the {@link TestServices} database and
     * broker, the context's queue prefix) plus {@code extraArguments} (e.g. {@code --twitter.messaging.worker-index=1}).
     * An extra {@code --name=value} for a setting the fixture gives replaces the fixture's (e.g.
     * {@code --spring.rabbitmq.port=} of a {@link TcpProxy}): Spring would join two values of one
     * name with a comma. Its database sessions carry its name as {@code application_name}, so
     * {@code pg_stat_activity} tells them apart from the test's.
     */
    public Worker start(String... extraArguments) {
        return launch("worker", Arrays.asList(extraArguments));
    }

    /**
     * Starts the step's main class with {@code --twitter.messaging.role=<role>}, this run's services
     * and {@code extraArguments}, named {@code <mainclass>-<role>-<n>}. {@link ApiProcessFixture}
     * starts its API processes through this too.
     */
    Worker launch(String role, List<String> extraArguments) {
        TestServices.Database db = TestServices.postgres();
        TestServices.Broker broker = TestServices.rabbitmq();
        String name = mainClass.getSimpleName().toLowerCase() + "-" + role + "-" + STARTED.incrementAndGet();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("twitter.messaging.role", role);
        settings.put("twitter.schema", schema);
        settings.put("spring.datasource.url", db.url());
        settings.put("spring.datasource.username", db.user());
        settings.put("spring.datasource.password", db.password());
        settings.put("spring.datasource.hikari.data-source-properties.ApplicationName", name);
        settings.put("spring.rabbitmq.host", broker.host());
        settings.put("spring.rabbitmq.port", Integer.toString(broker.port()));
        settings.put("spring.rabbitmq.username", broker.username());
        settings.put("spring.rabbitmq.password", broker.password());
        settings.put("twitter.messaging.prefix", queuePrefix);
        settings.put("twitter.auth.trust-user-header", "true"); // their ApiClient acts through X-User-ID, as the test context's
        settings.put("spring.main.banner-mode", "off");
        List<String> others = new ArrayList<>();
        for (String argument : extraArguments) {
            int equals = argument.indexOf('=');
            if (argument.startsWith("--") && equals > 2 && settings.containsKey(argument.substring(2, equals))) {
                settings.put(argument.substring(2, equals), argument.substring(equals + 1));
            } else {
                others.add(argument);
            }
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", // starts faster; a test process does little work
                "-cp", mainClasspath(),
                mainClass.getName()));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        command.addAll(others);
        try {
            Files.createDirectories(LOG_DIRECTORY);
            Path log = LOG_DIRECTORY.resolve(name + ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Worker worker = new Worker(name, process, log);
            workers.add(worker);
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /**
     * The test JVM's classpath without the test classes: the worker runs the step's main code and
     * libraries only, so nothing from the tests can be component-scanned into it. The API
     * processes of {@link ApiProcessFixture} use the same.
     */
    private static String mainClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes" + File.separator)
                        && !entry.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Kills every process this fixture started that is still running. */
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
        for (Worker worker : workers) {
            worker.kill();
        }
    }

    /** One process the fixture started: a worker, or the process behind an {@link ApiProcessFixture.ApiProcess}. */
    public static final class Worker {

        private final String name;
        private final Process process;
        private final Path log;

        Worker(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        /** Also this worker's PostgreSQL {@code application_name}. */
        public String name() {
            return name;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public Path logFile() {
            return log;
        }

        public String log() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e + ")";
            }
        }

        /** Waits until the log shows {@code text}; fails at once, with the log, if the process dies first. */
        public Worker awaitLog(String text, Duration timeout) {
            await(name + " to log '" + text + "'").atMost(timeout).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        String output = log();
                        if (output.contains(text)) {
                            return true;
                        }
                        if (!process.isAlive()) {
                            throw new AssertionError(name + " exited with " + process.exitValue()
                                    + " before logging '" + text + "'; its log (" + log + "):\n" + output);
                        }
                        return false;
                    });
            return this;
        }

        /** {@code kill -9}: the process gets no chance to finish anything. Waits until it is gone. */
        public void kill() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            awaitExit(Duration.ofSeconds(30));
        }

        /** {@code SIGTERM}: asks the process to stop; it shuts down by itself (see {@link #awaitExit}). */
        public void terminate() {
            process.destroy();
        }

        /** Waits for the process to exit and returns its exit code. */
        public int awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(name + " did not exit within " + timeout + "; its log (" + log + "):\n" + log());
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return name + " (pid " + process.pid() + ")";
        }
    }
}
