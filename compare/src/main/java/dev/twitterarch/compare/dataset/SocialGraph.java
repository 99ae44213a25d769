package dev.twitterarch.compare.dataset;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The comparison's social graph, made from a seed so that every step (and every run with the same
 * knobs) gets the same one. Users are numbered 0..n-1; user 0 is the celebrity, followed by everyone.
 *
 * <p>Everyone else follows between {@code friendsMin} and {@code friendsMax} others, drawn by a
 * Zipf-like popularity: the account of popularity rank r is drawn with weight 1/(r+1)^s. With s = 1
 * a handful of accounts end up followed by most users and the long tail by a few each, which is the
 * shape that makes fan-out on write expensive for some writers and cheap for most.
 */
public final class SocialGraph {

    public static final int CELEBRITY = 0;

    private final int[][] followees;
    private final int[] followerCounts;
    private final int[] tweetAuthors;

    private SocialGraph(int[][] followees, int[] followerCounts, int[] tweetAuthors) {
        this.followees = followees;
        this.followerCounts = followerCounts;
        this.tweetAuthors = tweetAuthors;
    }

    public record Spec(int users, int friendsMin, int friendsMax, int postsMin, int postsMax, double popularity, long seed) {
        public Spec {
            if (users < 3) {
                throw new IllegalArgumentException("compare.users must be at least 3, was " + users);
            }
            if (friendsMin < 0 || friendsMax < friendsMin || postsMin < 0 || postsMax < postsMin) {
                throw new IllegalArgumentException("friends and posts ranges must be 0 <= min <= max");
            }
        }
    }

    public static SocialGraph generate(Spec spec) {
        int n = spec.users();
        SplittableRandom random = new SplittableRandom(spec.seed());
        Popularity popularity = new Popularity(n, spec.popularity(), new Random(spec.seed() ^ 0x5DEECE66DL));

        int[][] followees = new int[n][];
        int[] followerCounts = new int[n];
        int[] chosenBy = new int[n];
        Arrays.fill(chosenBy, -1);
        for (int user = 0; user < n; user++) {
            boolean celebrity = user == CELEBRITY;
            int others = celebrity ? n - 1 : n - 2; // never yourself, and the celebrity comes on top
            int friends = Math.min(others, spec.friendsMin() + random.nextInt(spec.friendsMax() - spec.friendsMin() + 1));
            int[] mine = new int[friends + (celebrity ? 0 : 1)];
            int count = 0;
            if (!celebrity) {
                mine[count++] = CELEBRITY;
                chosenBy[CELEBRITY] = user;
            }
            chosenBy[user] = user;
            // weighted draws without repetition; a dense request (friends close to n) ends with the
            // most popular accounts not drawn yet, so the loop always terminates
            int draws = 0;
            while (count < mine.length && draws++ < 50 * mine.length + 1000) {
                int candidate = popularity.draw(random);
                if (chosenBy[candidate] != user) {
                    chosenBy[candidate] = user;
                    mine[count++] = candidate;
                }
            }
            for (int rank = 0; count < mine.length; rank++) {
                int candidate = popularity.userAt(rank);
                if (chosenBy[candidate] != user) {
                    chosenBy[candidate] = user;
                    mine[count++] = candidate;
                }
            }
            Arrays.sort(mine);
            followees[user] = mine;
            for (int followee : mine) {
                followerCounts[followee]++;
            }
        }

        int[] posts = new int[n];
        int total = 0;
        for (int user = 0; user < n; user++) {
            posts[user] = spec.postsMin() + random.nextInt(spec.postsMax() - spec.postsMin() + 1);
            total += posts[user];
        }
        // tweets in time order, their authors interleaved (a shuffle), as a timeline is
        int[] tweetAuthors = new int[total];
        for (int user = 0, j = 0; user < n; user++) {
            for (int p = 0; p < posts[user]; p++) {
                tweetAuthors[j++] = user;
            }
        }
        for (int i = total - 1; i > 0; i--) {
            int k = random.nextInt(i + 1);
            int swap = tweetAuthors[i];
            tweetAuthors[i] = tweetAuthors[k];
            tweetAuthors[k] = swap;
        }
        return new SocialGraph(followees, followerCounts, tweetAuthors);
    }

    public int users() {
        return followees.length;
    }

    /** Whom {@code user} follows, ascending. */
    public int[] followees(int user) {
        return followees[user];
    }

    public int followerCount(int user) {
        return followerCounts[user];
    }

    public long follows() {
        long follows = 0;
        for (int[] mine : followees) {
            follows += mine.length;
        }
        return follows;
    }

    /** The author of every tweet, oldest first. */
    public int[] tweetAuthors() {
        return tweetAuthors;
    }

    /** Feed rows the fan-out of every tweet produces: the author's own plus one per follower. */
    public long feedRows() {
        long rows = 0;
        for (int author : tweetAuthors) {
            rows += 1 + followerCounts[author];
        }
        return rows;
    }

    /** The user (not the celebrity, none of {@code taken}) whose follower count is nearest to {@code target}. */
    public int nearestByFollowers(int target, java.util.Set<Integer> taken) {
        int best = -1;
        for (int user = 1; user < users(); user++) {
            if (!taken.contains(user) && (best < 0
                    || Math.abs(followerCounts[user] - target) < Math.abs(followerCounts[best] - target))) {
                best = user;
            }
        }
        return best;
    }

    /** Draws account indices 1..n-1 (never the celebrity) by a Zipf-like weight of a random popularity rank. */
    private static final class Popularity {

        private final int[] userAtRank;
        private final double[] cumulative;

        Popularity(int n, double exponent, Random shuffle) {
            userAtRank = new int[n - 1];
            for (int i = 0; i < userAtRank.length; i++) {
                userAtRank[i] = i + 1;
            }
            for (int i = userAtRank.length - 1; i > 0; i--) {
                int k = shuffle.nextInt(i + 1);
                int swap = userAtRank[i];
                userAtRank[i] = userAtRank[k];
                userAtRank[k] = swap;
            }
            cumulative = new double[userAtRank.length];
            double sum = 0;
            for (int rank = 0; rank < cumulative.length; rank++) {
                sum += 1.0 / Math.pow(rank + 1, exponent);
                cumulative[rank] = sum;
            }
        }

        int draw(SplittableRandom random) {
            double x = random.nextDouble() * cumulative[cumulative.length - 1];
            int rank = Arrays.binarySearch(cumulative, x);
            return userAt(rank >= 0 ? rank : Math.min(-rank - 1, cumulative.length - 1));
        }

        int userAt(int rank) {
            return userAtRank[rank];
        }
    }
}
