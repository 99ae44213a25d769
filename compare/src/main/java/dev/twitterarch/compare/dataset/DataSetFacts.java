package dev.twitterarch.compare.dataset;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * What the simulations and the report need to know about the seeded data set, written once per run
 * next to the data set ({@code dataset.properties}) and read by every step's simulation.
 *
 * @param seededFeedRows  feed_items rows of the seeded tweets (own + one per follower): the fan-out
 *                        of everything posted during a run is complete when feed_items holds this
 *                        many rows plus those of the new tweets
 * @param maxSeededTweetId every tweet posted during the run has a bigger id
 * @param authors         the write-cost authors, by follower count (the celebrity last)
 * @param lagSample       followers of the celebrity whose feeds the fan-out-lag simulation polls
 */
public record DataSetFacts(int users, long follows, long tweets, long seededFeedRows, long maxSeededTweetId,
                           long celebrityId, int celebrityFollowers, List<Author> authors, List<Long> lagSample,
                           int medianFollowers, int maxFollowersBesidesCelebrity, int usersFollowedByHalf) {

    public record Author(long id, int followers, int target) {
    }

    private static final String FILE = "dataset.properties";

    public void write(Path dir) {
        Properties p = new Properties();
        p.setProperty("users", Integer.toString(users));
        p.setProperty("follows", Long.toString(follows));
        p.setProperty("tweets", Long.toString(tweets));
        p.setProperty("seededFeedRows", Long.toString(seededFeedRows));
        p.setProperty("maxSeededTweetId", Long.toString(maxSeededTweetId));
        p.setProperty("celebrityId", Long.toString(celebrityId));
        p.setProperty("celebrityFollowers", Integer.toString(celebrityFollowers));
        p.setProperty("authors", authors.stream().map(a -> a.id() + ":" + a.followers() + ":" + a.target())
                .collect(Collectors.joining(",")));
        p.setProperty("lagSample", lagSample.stream().map(String::valueOf).collect(Collectors.joining(",")));
        p.setProperty("medianFollowers", Integer.toString(medianFollowers));
        p.setProperty("maxFollowersBesidesCelebrity", Integer.toString(maxFollowersBesidesCelebrity));
        p.setProperty("usersFollowedByHalf", Integer.toString(usersFollowedByHalf));
        try (Writer out = Files.newBufferedWriter(dir.resolve(FILE))) {
            p.store(out, "the comparison's data set (same for every step)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DataSetFacts read(Path dir) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(FILE))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("no data set in " + dir + " (compare.sh writes it before the first step)", e);
        }
        List<Author> authors = Arrays.stream(p.getProperty("authors").split(",")).map(s -> s.split(":"))
                .map(a -> new Author(Long.parseLong(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]))).toList();
        List<Long> sample = Arrays.stream(p.getProperty("lagSample").split(",")).map(Long::valueOf).toList();
        return new DataSetFacts(Integer.parseInt(p.getProperty("users")), Long.parseLong(p.getProperty("follows")),
                Long.parseLong(p.getProperty("tweets")), Long.parseLong(p.getProperty("seededFeedRows")),
                Long.parseLong(p.getProperty("maxSeededTweetId")), Long.parseLong(p.getProperty("celebrityId")),
                Integer.parseInt(p.getProperty("celebrityFollowers")), authors, sample,
                Integer.parseInt(p.getProperty("medianFollowers")),
                Integer.parseInt(p.getProperty("maxFollowersBesidesCelebrity")),
                Integer.parseInt(p.getProperty("usersFollowedByHalf")));
    }

    /** The mixed-traffic script: who acts and whether they read their feed or post (10:1), one line each. */
    public static Path actionsFile(Path dir) {
        return dir.resolve("actions.csv");
    }
}
