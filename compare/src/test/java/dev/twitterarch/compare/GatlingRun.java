package dev.twitterarch.compare;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A simulation run in a JVM of its own, as compare.sh runs one (Gatling's main class, Gatling's JVM options), for tests. */
final class GatlingRun {

    final int exitCode;
    final String log;

    private GatlingRun(int exitCode, String log) {
        this.exitCode = exitCode;
        this.log = log;
    }

    /** Runs {@code simulation} with {@code -Dcompare.workDir=dir/run}, results in dir/gatling, and the given system properties. */
    static GatlingRun of(Class<?> simulation, Path dir, String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-Dcompare.workDir=" + dir.resolve("run")));
        command.addAll(List.of(properties));
        command.addAll(List.of("io.gatling.app.Gatling", "--simulation", simulation.getName(),
                "--results-folder", dir.resolve("gatling").toString(), "--no-reports"));
        Path log = dir.resolve("gatling.log");
        Process gatling = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = gatling.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            gatling.destroyForcibly().waitFor();
        }
        assertTrue(ended, "Gatling did not finish within 2 minutes");
        return new GatlingRun(gatling.exitValue(), read(log));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
