package dev.twitterarch.compare;

import static io.gatling.javaapi.core.CoreDsl.exec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.gatling.javaapi.core.ChainBuilder;

import dev.twitterarch.compare.FanOutProgress.Settled;
import dev.twitterarch.compare.results.SimulationResults;
import dev.twitterarch.compare.results.SimulationResults.CacheSnapshot;
import dev.twitterarch.compare.results.SimulationResults.CacheStats;
import dev.twitterarch.compare.results.SimulationResults.Lag;
import dev.twitterarch.compare.results.SimulationResults.Window;

/**
 * What a simulation measures besides Gatling's statistics, collected while it runs; when it ends,
 * written together with those as the run's {@link SimulationResults}.
 */
final class RunRecorder {

    private final Map<Integer, Window> stages = new ConcurrentHashMap<>();
    private final Map<Integer, Settled> afterAuthorPosts = new ConcurrentHashMap<>();
    private final List<Lag> lags = Collections.synchronizedList(new ArrayList<>());
    private final List<CacheSnapshot> cache = Collections.synchronizedList(new ArrayList<>());
    private volatile Settled afterMixedTraffic;
    private final AtomicReference<Window> readsOnly = new AtomicReference<>();
    private volatile CacheStats beforeReadsOnly;
    private volatile CacheStats afterReadsOnly;

    /** {@code chain}, with the time it ran in counted into the stage of {@code users} users. */
    ChainBuilder inStage(int users, ChainBuilder chain) {
        return timed(chain, now -> stages.merge(users, now, Window::union));
    }

    /** {@code chain}, with the time it ran in counted into the reads-only stage. */
    ChainBuilder inReadsOnly(ChainBuilder chain) {
        return timed(chain, now -> readsOnly.accumulateAndGet(now, (was, at) -> was == null ? at : was.union(at)));
    }

    /** {@code chain}, handing {@code into} the moment before it and the moment after it. */
    private static ChainBuilder timed(ChainBuilder chain, Consumer<Window> into) {
        return exec(session -> {
            into.accept(Window.at(System.currentTimeMillis()));
            return session;
        }).exec(chain).exec(session -> {
            into.accept(Window.at(System.currentTimeMillis()));
            return session;
        });
    }

    void cacheAroundReadsOnly(boolean before, CacheStats stats) {
        if (before) {
            beforeReadsOnly = stats;
        } else {
            afterReadsOnly = stats;
        }
    }

    void afterMixedTraffic(Settled settled) {
        afterMixedTraffic = settled;
    }

    void afterAuthorPosts(int followers, Settled settled) {
        afterAuthorPosts.put(followers, settled);
    }

    void lag(Lag lag) {
        lags.add(lag);
    }

    void cache(int afterUsers, CacheStats stats) {
        cache.add(new CacheSnapshot(afterUsers, stats));
    }

    /** Reads Gatling's statistics of this run (its simulation.log is complete once the run has ended) and writes everything to {@code out}. */
    void write(Path out, Path gatlingResults, Class<?> simulation, int readsOnlyUsers) {
        new SimulationResults(GatlingStatistics.of(GatlingStatistics.latestLog(gatlingResults, simulation)), stages,
                afterMixedTraffic, afterAuthorPosts, lags, cache,
                readsOnly.get() == null ? null
                        : new SimulationResults.ReadsOnly(readsOnlyUsers, readsOnly.get(), beforeReadsOnly, afterReadsOnly)).write(out);
    }
}
