package dev.twitterarch.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.gatling.charts.stats.LogFileData;
import io.gatling.charts.stats.LogFileReader;
import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.stats.Status;
import io.gatling.core.config.GatlingConfiguration;
import io.gatling.shared.model.assertion.AssertionStatsRepository.Stats;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

import dev.twitterarch.compare.results.SimulationResults.RequestStats;

/**
 * Gatling's own statistics of a run, by request name, read from the run's simulation.log with the
 * reader Gatling's HTML report is made from (gatling-charts), so the side-by-side report shows the
 * numbers Gatling's report shows. Gatling 3.15 writes no statistics as JSON any more (no js/stats.json;
 * simulation.log is binary, and only the Gatling version that wrote it may read it), so this reads them
 * in the simulation's own JVM when the run ends. The reader is Gatling-internal API:
 * GatlingStatisticsTest runs a real simulation through it, so an upgrade that changes it fails there.
 */
final class GatlingStatistics {

    private GatlingStatistics() {
    }

    static Map<String, RequestStats> of(Path simulationLog) {
        LogFileData data = new LogFileReader(simulationLog.toFile(), GatlingConfiguration.load()).read();
        Map<String, RequestStats> byName = new TreeMap<>();
        for (var path : CollectionConverters.asJava(data.allRequestPaths())) {
            Option<Stats> ok = data.requestGeneralStats(path.group(), Option.apply(path.request()), Option.<Status>apply(OK$.MODULE$));
            Option<Stats> ko = data.requestGeneralStats(path.group(), Option.apply(path.request()), Option.<Status>apply(KO$.MODULE$));
            byName.put(path.request(), new RequestStats(count(ok), count(ko), percentile(ok, 50), percentile(ok, 95), percentile(ok, 99)));
        }
        return byName;
    }

    /**
     * The simulation.log of the newest run of {@code simulation} in Gatling's results folder: Gatling
     * names a run's folder after the simulation and the time it started, and the run that is ending is
     * the newest.
     */
    static Path latestLog(Path resultsFolder, Class<?> simulation) {
        String prefix = simulation.getSimpleName().toLowerCase(Locale.ROOT) + "-";
        try (Stream<Path> runs = Files.list(resultsFolder)) {
            return runs.filter(run -> run.getFileName().toString().startsWith(prefix))
                    .map(run -> run.resolve("simulation.log")).filter(Files::exists)
                    .max(Comparator.comparing(log -> log.getParent().getFileName().toString()))
                    .orElseThrow(() -> new IllegalStateException("no " + prefix + "*/simulation.log in " + resultsFolder));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list Gatling's results folder " + resultsFolder, e);
        }
    }

    private static long count(Option<Stats> stats) {
        return stats.isDefined() ? stats.get().count() : 0;
    }

    private static int percentile(Option<Stats> stats, double rank) {
        return stats.isDefined() ? (Integer) stats.get().percentile().apply(rank) : 0;
    }
}
