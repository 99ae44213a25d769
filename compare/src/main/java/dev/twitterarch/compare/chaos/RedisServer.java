package dev.twitterarch.compare.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Step 6's Redis for a scenario: by default a private redis-server on a port of its own (no
 * persistence), which the redis scenario really stops ({@code SHUTDOWN NOSAVE}) and starts again;
 * with real restarts, the machine's Redis on 6379, stopped and started with .ci/run's command.
 */
final class RedisServer implements AutoCloseable {

    private final int port;
    private final boolean shared;
    private final Path dir;

    private RedisServer(int port, boolean shared, Path dir) {
        this.port = port;
        this.shared = shared;
        this.dir = dir;
    }

    static RedisServer start(int port, boolean shared, Path dir) throws Exception {
        RedisServer redis = new RedisServer(port, shared, dir);
        if (!shared) {
            exec(List.of("redis-cli", "-p", Integer.toString(port), "shutdown", "nosave"), Duration.ofSeconds(10), true);
            redis.launch();
        }
        return redis;
    }

    int port() {
        return port;
    }

    private void launch() throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1",
                "--port", Integer.toString(port), "--save", "", "--appendonly", "no"));
        if (shared) { // .ci/run's start command
            command.addAll(List.of("--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"));
        } else {
            command.addAll(List.of("--dir", dir.toAbsolutePath().toString(), "--logfile", dir.resolve("redis.log").toAbsolutePath().toString()));
        }
        exec(command, Duration.ofSeconds(30));
        awaitCommand(List.of("redis-cli", "-p", Integer.toString(port), "ping"), Duration.ofSeconds(30));
    }

    Chaos.Fault fault() {
        RedisServer redis = this;
        return new Chaos.Fault() {
            public String name() {
                return "Redis" + (shared ? " (real restart)" : " (private redis-server on " + port + ")");
            }

            public void down() throws Exception {
                exec(List.of("redis-cli", "-p", Integer.toString(port), "shutdown", "nosave"), Duration.ofSeconds(30));
            }

            public void up() throws Exception {
                redis.launch();
            }
        };
    }

    @Override
    public void close() throws Exception {
        if (!shared) {
            exec(List.of("redis-cli", "-p", Integer.toString(port), "shutdown", "nosave"), Duration.ofSeconds(10), true);
        }
    }

    static void exec(List<String> command, Duration timeout) throws Exception {
        exec(command, timeout, false);
    }

    private static void exec(List<String> command, Duration timeout, boolean mayFail) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
        }
        if (process.exitValue() != 0 && !mayFail) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue());
        }
    }

    /** Runs {@code command} every 250 ms until it succeeds. */
    static void awaitCommand(List<String> command, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
                return;
            }
            process.destroyForcibly();
            if (System.nanoTime() > deadline) {
                throw new IOException(String.join(" ", command) + " did not succeed within " + timeout.toSeconds() + " s");
            }
            Traffic.sleep(250);
        }
    }
}
