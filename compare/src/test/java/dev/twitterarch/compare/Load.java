package dev.twitterarch.compare;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import dev.twitterarch.compare.results.RequestName;

/** The pieces both simulations build from: the protocol, the requests, the closed-model stages. */
final class Load {

    static final String FEED = "/api/feed/?limit=20";

    private Load() {
    }

    static HttpProtocolBuilder protocol(String baseUrl) {
        return http.baseUrl(baseUrl)
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .disableWarmUp() // Gatling's default warm-up calls an outside site; this machine talks to localhost only
                .shareConnections(); // closed model: a user is one request, its successor reuses the keep-alive connection
    }

    static ChainBuilder readFeed(RequestName name) {
        return exec(http(name.label()).get(FEED).header("X-User-ID", "#{user_id}").check(status().is(200)));
    }

    static ChainBuilder postTweet(RequestName name, String author, String content) {
        return exec(post(name, author, content).check(status().is(201)));
    }

    /** A post, its checks left to the caller. */
    static HttpRequestActionBuilder post(RequestName name, String author, String content) {
        return http(name.label()).post("/api/tweets/").header("X-User-ID", author).body(StringBody("{\"content\":\"" + content + "\"}"));
    }

    /** The mixed-traffic script from the data set: user_id and action (read or post) per line. */
    static List<Map<String, Object>> actions(Path dataSetDir) {
        try {
            return Files.readAllLines(dataSetDir.resolve("actions.csv")).stream().skip(1)
                    .map(line -> line.split(","))
                    .map(f -> Map.<String, Object>of("user_id", f[0], "action", f[1]))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One closed-model stage: {@code users} concurrent users for {@code seconds}; each user runs the
     * next line of the script once and a new one takes its place, so exactly {@code users} requests
     * are in flight all stage long. Every stage replays the script from its first line.
     */
    static PopulationBuilder stage(String title, int users, int seconds, List<Map<String, Object>> actions, ChainBuilder perAction) {
        return scenario(title).feed(listFeeder(actions).circular()).exec(perAction)
                .injectClosed(constantConcurrentUsers(users).during(Duration.ofSeconds(seconds)));
    }

    /** One user that runs {@code chain} once. */
    static PopulationBuilder once(String title, ChainBuilder chain) {
        return scenario(title).exec(chain).injectOpen(atOnceUsers(1));
    }

    /** The populations one after the other (Gatling's andThen nests: a.andThen(b.andThen(c)) runs a, then b, then c). */
    static PopulationBuilder inSequence(List<PopulationBuilder> populations) {
        PopulationBuilder chained = populations.get(populations.size() - 1);
        for (int i = populations.size() - 2; i >= 0; i--) {
            chained = populations.get(i).andThen(chained);
        }
        return chained;
    }

    /** The populations one after the other, then the {@code together} ones side by side (a.andThen(b, c)). */
    static PopulationBuilder inSequence(List<PopulationBuilder> populations, PopulationBuilder... together) {
        List<PopulationBuilder> all = new ArrayList<>(populations);
        all.set(all.size() - 1, all.get(all.size() - 1).andThen(together));
        return inSequence(all);
    }

    static long elapsedMillis(Session session, String startedAt) {
        return (System.nanoTime() - session.getLong(startedAt)) / 1_000_000;
    }
}
