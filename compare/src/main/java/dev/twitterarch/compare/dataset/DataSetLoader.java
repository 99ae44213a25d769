package dev.twitterarch.compare.dataset;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import dev.twitterarch.compare.Knobs;

/**
 * Makes the run's data set once: generates the {@link SocialGraph}, gives its users and tweets
 * Snowflake ids with past timestamps, and COPYs it into a staging schema, {@value #SCHEMA}. Every
 * step is then seeded from there with set-based SQL ({@link dev.twitterarch.compare.seed.StepSeeder}),
 * so every step starts from the very same rows.
 */
public final class DataSetLoader {

    public static final String SCHEMA = "compare_dataset";
    private static final int ACTIONS = 20_000;

    private DataSetLoader() {
    }

    public static DataSetFacts load(Knobs knobs, Connection db, Instant now) throws SQLException, IOException {
        SocialGraph graph = SocialGraph.generate(new SocialGraph.Spec(knobs.users(), knobs.friendsMin(), knobs.friendsMax(),
                knobs.postsMin(), knobs.postsMax(), knobs.popularity(), knobs.seed()));
        int n = graph.users();
        // users signed up two days ago, one a millisecond; their tweets are spread over the last day
        long usersFrom = now.minus(Duration.ofDays(2)).toEpochMilli();
        long[] userIds = new long[n];
        for (int user = 0; user < n; user++) {
            userIds[user] = SnowflakeLayout.seeded(usersFrom + user);
        }
        int[] tweetAuthors = graph.tweetAuthors();
        long tweetsFrom = now.minus(Duration.ofDays(1)).toEpochMilli();
        long step = Math.max(1, Duration.ofHours(23).toMillis() / Math.max(1, tweetAuthors.length));

        try (Statement sql = db.createStatement()) {
            sql.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            sql.execute("CREATE SCHEMA " + SCHEMA);
            sql.execute("CREATE TABLE " + SCHEMA + ".users (id bigint PRIMARY KEY, username text NOT NULL, email text NOT NULL, created_at timestamptz NOT NULL)");
            sql.execute("CREATE TABLE " + SCHEMA + ".tweets (user_id bigint NOT NULL, id bigint PRIMARY KEY, content text NOT NULL, created_at timestamptz NOT NULL)");
            sql.execute("CREATE TABLE " + SCHEMA + ".follows (follower_id bigint NOT NULL, followee_id bigint NOT NULL, created_at timestamptz NOT NULL)");
        }
        PGConnection pg = db.unwrap(PGConnection.class);
        try (Copy users = new Copy(pg, "users (id, username, email, created_at)")) {
            for (int user = 0; user < n; user++) {
                String name = username(user);
                users.row(userIds[user], name, name + "@example.com", Instant.ofEpochMilli(usersFrom + user));
            }
        }
        long maxTweetId = 0;
        try (Copy tweets = new Copy(pg, "tweets (user_id, id, content, created_at)")) {
            for (int j = 0; j < tweetAuthors.length; j++) {
                long millis = tweetsFrom + j * step;
                long id = SnowflakeLayout.seeded(millis);
                maxTweetId = Math.max(maxTweetId, id);
                tweets.row(userIds[tweetAuthors[j]], id, "Seeded tweet " + j + " by " + username(tweetAuthors[j]),
                        Instant.ofEpochMilli(millis));
            }
        }
        String followedAt = Instant.ofEpochMilli(usersFrom + n).toString();
        try (Copy follows = new Copy(pg, "follows (follower_id, followee_id, created_at)")) {
            for (int user = 0; user < n; user++) {
                for (int followee : graph.followees(user)) {
                    follows.row(userIds[user], userIds[followee], followedAt);
                }
            }
        }
        try (Statement sql = db.createStatement()) {
            sql.execute("ANALYZE " + SCHEMA + ".users, " + SCHEMA + ".tweets, " + SCHEMA + ".follows");
        }

        Path dir = knobs.dataSetDir();
        Files.createDirectories(dir);
        writeActions(graph, userIds, knobs.seed(), DataSetFacts.actionsFile(dir));
        DataSetFacts facts = facts(knobs, graph, userIds, maxTweetId);
        facts.write(dir);
        return facts;
    }

    static String username(int user) {
        return user == SocialGraph.CELEBRITY ? "celebrity" : String.format("user%06d", user);
    }

    static DataSetFacts facts(Knobs knobs, SocialGraph graph, long[] userIds, long maxTweetId) {
        int n = graph.users();
        Set<Integer> taken = new HashSet<>(Set.of(SocialGraph.CELEBRITY));
        List<DataSetFacts.Author> authors = new ArrayList<>();
        for (int target : knobs.writeTargets()) {
            if (target >= n - 1) {
                continue; // the celebrity stands for "everyone" below
            }
            int user = graph.nearestByFollowers(target, taken);
            if (user > 0) {
                taken.add(user);
                authors.add(new DataSetFacts.Author(userIds[user], graph.followerCount(user), target));
            }
        }
        authors.sort(java.util.Comparator.comparingInt(DataSetFacts.Author::followers));
        authors.add(new DataSetFacts.Author(userIds[SocialGraph.CELEBRITY], graph.followerCount(SocialGraph.CELEBRITY), n - 1));

        // the celebrity's followers are users 1..n-1: sample them evenly
        int sampleSize = Math.max(1, Math.min(knobs.lagSample(), n - 1));
        List<Long> sample = new ArrayList<>();
        for (int i = 0; i < sampleSize; i++) {
            sample.add(userIds[1 + (int) ((long) i * (n - 2) / Math.max(1, sampleSize - 1))]);
        }

        int[] counts = new int[n - 1];
        int followedByHalf = 0;
        for (int user = 1; user < n; user++) {
            counts[user - 1] = graph.followerCount(user);
            if (graph.followerCount(user) >= (n - 1) / 2) {
                followedByHalf++;
            }
        }
        java.util.Arrays.sort(counts);
        return new DataSetFacts(n, graph.follows(), graph.tweetAuthors().length, graph.feedRows(), maxTweetId,
                userIds[SocialGraph.CELEBRITY], graph.followerCount(SocialGraph.CELEBRITY), authors, sample.stream().distinct().toList(),
                counts[counts.length / 2], counts[counts.length - 1], followedByHalf);
    }

    /**
     * The mixed traffic's script: {@value #ACTIONS} actions by users drawn uniformly (the celebrity
     * aside, measured on its own), in blocks of eleven with exactly one post: reads to posts 10:1.
     * Every stage of every step replays it from the top, so all see the same requests in the same order.
     */
    static void writeActions(SocialGraph graph, long[] userIds, long seed, Path file) throws IOException {
        SplittableRandom random = new SplittableRandom(seed + 1);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("user_id,action\n");
            for (int block = 0; block < ACTIONS / 11; block++) {
                int post = random.nextInt(11);
                for (int i = 0; i < 11; i++) {
                    int user = 1 + random.nextInt(graph.users() - 1);
                    out.write(userIds[user] + "," + (i == post ? "post" : "read") + "\n");
                }
            }
        }
    }

    /** Rows in PostgreSQL's COPY text format, sent in chunks. */
    private static final class Copy implements AutoCloseable {

        private final CopyIn copy;
        private final StringBuilder buffer = new StringBuilder(1 << 20);

        Copy(PGConnection pg, String table) throws SQLException {
            copy = pg.getCopyAPI().copyIn("COPY " + SCHEMA + "." + table + " FROM STDIN");
        }

        void row(Object... values) {
            for (int i = 0; i < values.length; i++) {
                buffer.append(i == 0 ? "" : "\t").append(values[i]);
            }
            buffer.append('\n');
            if (buffer.length() > (1 << 20)) {
                flush();
            }
        }

        private void flush() {
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            try {
                copy.writeToCopy(bytes, 0, bytes.length);
            } catch (SQLException e) {
                throw new IllegalStateException("COPY into " + SCHEMA + " failed: " + e.getMessage(), e);
            }
            buffer.setLength(0);
        }

        @Override
        public void close() throws SQLException {
            flush();
            copy.endCopy();
        }
    }
}
