package dev.twitterarch.compare;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.twitterarch.compare.broker.BrokerCleanup;
import dev.twitterarch.compare.dataset.DataSetFacts;
import dev.twitterarch.compare.dataset.DataSetLoader;
import dev.twitterarch.compare.report.ReportWriter;
import dev.twitterarch.compare.seed.StepSeeder;
import dev.twitterarch.compare.seed.StorageCeiling;

/**
 * The steps of a comparison run that are not load (compare.sh calls them in order):
 * <pre>
 *   dataset                          generate the data set into schema compare_dataset (once per run)
 *   seed SCHEMA FEED_ITEMS OUT_DIR   copy it into a step's schema (FEED_ITEMS: true for steps 2-6)
 *   storage-ceiling SCHEMA OUT_DIR   time the celebrity's fan-out as one raw INSERT ... SELECT
 *   broker-cleanup PREFIX            delete the queues/exchanges named on stdin ("queue NAME", "exchange NAME")
 *   report REPORT_DIR                write index.html and report.md from the run's measurements
 * </pre>
 */
public final class Compare {

    private Compare() {
    }

    public static void main(String[] args) throws Exception {
        Knobs knobs = Knobs.fromSystemProperties();
        String command = args.length > 0 ? args[0] : "help";
        switch (command) {
            case "dataset" -> {
                try (Connection db = Postgres.connect(knobs)) {
                    long started = System.nanoTime();
                    DataSetFacts facts = DataSetLoader.load(knobs, db, Instant.now());
                    System.out.printf("data set: %d users, %d follows, %d tweets, %d feed rows; celebrity followed by %d; "
                                    + "median followers %d, most followed besides the celebrity %d (%.1f s)%n",
                            facts.users(), facts.follows(), facts.tweets(), facts.seededFeedRows(), facts.celebrityFollowers(),
                            facts.medianFollowers(), facts.maxFollowersBesidesCelebrity(), (System.nanoTime() - started) / 1e9);
                }
            }
            case "seed" -> {
                try (Connection db = Postgres.connect(knobs)) {
                    StepSeeder.Seeded seeded = StepSeeder.seed(db, args[1], Boolean.parseBoolean(args[2]));
                    Records.append(Path.of(args[3]).resolve("results.tsv"), List.of(Records.line("seed", Map.of(
                            "users", seeded.users(), "tweets", seeded.tweets(), "follows", seeded.follows(),
                            "feedRows", seeded.feedRows(), "millis", seeded.millis()))));
                    System.out.printf("seeded %s: %d users, %d tweets, %d follows, %d feed rows (%.1f s)%n", args[1],
                            seeded.users(), seeded.tweets(), seeded.follows(), seeded.feedRows(), seeded.millis() / 1e3);
                }
            }
            case "storage-ceiling" -> {
                DataSetFacts facts = DataSetFacts.read(knobs.dataSetDir());
                try (Connection db = Postgres.connect(knobs)) {
                    StorageCeiling.Measured measured = StorageCeiling.measure(db, args[1], facts.celebrityId(), 5);
                    Records.append(Path.of(args[2]).resolve("results.tsv"), List.of(Records.line("storage", Map.of(
                            "schema", args[1], "rows", measured.rows(), "bestMicros", measured.bestMicros(),
                            "micros", measured.micros().toString().replace(" ", ""), "rowsPerSecond", Math.round(measured.rowsPerSecond())))));
                    System.out.printf("storage ceiling: %d rows in %.1f ms at best = %.0f rows/s%n", measured.rows(),
                            measured.bestMicros() / 1e3, measured.rowsPerSecond());
                }
            }
            case "broker-cleanup" -> {
                List<String> queues = new ArrayList<>();
                List<String> exchanges = new ArrayList<>();
                try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        String[] parts = line.trim().split("\\s+", 2);
                        if (parts.length == 2) {
                            (parts[0].equals("queue") ? queues : exchanges).add(parts[1]);
                        }
                    }
                }
                int deleted = BrokerCleanup.delete(Knobs.text("rabbitHost", "127.0.0.1"), Knobs.integer("rabbitPort", 5672),
                        args[1], queues, exchanges);
                System.out.println("deleted " + deleted + " queues and exchanges named " + args[1] + "*");
            }
            case "report" -> {
                Path dir = ReportWriter.write(knobs, Path.of(args[1]));
                System.out.println("report: " + dir.resolve("index.html") + " and " + dir.resolve("report.md"));
            }
            default -> {
                System.err.println("usage: Compare dataset | seed SCHEMA FEED_ITEMS OUT_DIR | storage-ceiling SCHEMA OUT_DIR"
                        + " | broker-cleanup PREFIX | report REPORT_DIR");
                System.exit(2);
            }
        }
    }
}
