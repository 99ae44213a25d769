package dev.twitterarch.compare.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One step jar running as a child process (API, worker or both), its output in a log file. */
final class StepProcess implements AutoCloseable {

    /** Every process started, so that an interrupted suite (Ctrl-C, SIGTERM) leaves none running. */
    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly), "kill-step-processes"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private StepProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static StepProcess start(String name, Path jar, List<String> jvmOptions, List<String> arguments, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(arguments);
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            STARTED.add(process);
            return new StepProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until GET {@code url} answers 200; fails with the log's end if the process dies or the time is up. */
    StepProcess awaitHttp(HttpClient http, URI url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            alive();
            try {
                if (http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Traffic.sleep(250);
        }
        throw new IllegalStateException(name + " did not answer " + url + " within " + timeout.toSeconds() + " s:\n" + tail());
    }

    /** Waits until the log shows {@code text} (a worker has no HTTP port). */
    StepProcess awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            alive();
            if (read().contains(text)) {
                return this;
            }
            Traffic.sleep(200);
        }
        throw new IllegalStateException(name + " did not log '" + text + "' within " + timeout.toSeconds() + " s:\n" + tail());
    }

    private void alive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
        }
    }

    long pid() {
        return process.pid();
    }

    /** {@code kill -9}: no shutdown hook, no graceful anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL if it is still there after 40 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** How many log lines contain {@code text}. */
    long count(String text) {
        return read().lines().filter(line -> line.contains(text)).count();
    }

    private String read() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private String tail() {
        List<String> lines = read().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
