package dev.twitterarch.compare;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Every setting of a comparison run, read from {@code compare.*} system properties (compare.sh turns
 * its {@code COMPARE_*} environment variables and {@code -Dcompare.*=...} arguments into these).
 * The data set, the seeder, the simulations and the report all read the same record, so what the
 * report says was run is what was run.
 */
public record Knobs(
        // the data set: the same graph for every step
        int users, int friendsMin, int friendsMax, int postsMin, int postsMax, double popularity, long seed,
        // the load
        List<Integer> stages, int stageSeconds, int warmupSeconds, int readsOnlyUsers, List<Integer> writeTargets, int writePosts,
        int lagPosts, int lagSample, int lagTimeoutSeconds, int settleTimeoutSeconds,
        // the assertions
        double maxErrorPercent, int maxP99Millis,
        // where things are
        String jdbcUrl, String jdbcUser, String jdbcPassword, Path workDir) {

    public static Knobs fromSystemProperties() {
        return new Knobs(
                integer("users", 2000), integer("friendsMin", 20), integer("friendsMax", 200),
                integer("postsMin", 1), integer("postsMax", 5), decimal("popularity", 1.0), integer("seed", 42),
                integers("stages", "1,10,100,1000"), integer("stageSeconds", 10), integer("warmupSeconds", 3),
                integer("readsOnlyUsers", 100),
                integers("writeTargets", "10,100,1000"), integer("writePosts", 10),
                integer("lagPosts", 3), integer("lagSample", 20), integer("lagTimeoutSeconds", 60),
                integer("settleTimeoutSeconds", 120),
                decimal("maxErrorPercent", 1.0), integer("maxP99Millis", 30_000),
                text("jdbcUrl", "jdbc:postgresql://127.0.0.1:5432/postgres"), text("jdbcUser", "postgres"),
                text("jdbcPassword", ""), Path.of(text("workDir", "target/run")));
    }

    /** Where the generated data set's files are (the same for every step of a run). */
    public Path dataSetDir() {
        return workDir.resolve("dataset");
    }

    /**
     * Gatling's results folder (its {@code --results-folder}), where a simulation finds its own
     * simulation.log when it ends: next to the work directory, where compare.sh and the Maven plugin
     * (target/gatling) both put it.
     */
    public Path gatlingResults() {
        return Path.of(text("gatlingResults", workDir.resolveSibling("gatling").toString()));
    }

    /** Where one step's (or the ceiling's) measurements go. */
    public Path stepDir(String label) {
        return workDir.resolve(label);
    }

    public static String text(String name, String fallback) {
        String value = System.getProperty("compare." + name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public static int integer(String name, int fallback) {
        return Integer.parseInt(text(name, Integer.toString(fallback)));
    }

    static double decimal(String name, double fallback) {
        return Double.parseDouble(text(name, Double.toString(fallback)));
    }

    static List<Integer> integers(String name, String fallback) {
        return Arrays.stream(text(name, fallback).split("[,\\s]+")).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    }
}
