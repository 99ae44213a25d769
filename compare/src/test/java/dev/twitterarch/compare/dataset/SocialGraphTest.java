package dev.twitterarch.compare.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SocialGraphTest {

    private static final SocialGraph.Spec DEFAULT = new SocialGraph.Spec(2000, 20, 200, 1, 5, 1.0, 42);

    @Test
    void theSameSeedMakesTheSameGraph() {
        SocialGraph a = SocialGraph.generate(DEFAULT);
        SocialGraph b = SocialGraph.generate(DEFAULT);
        for (int user = 0; user < a.users(); user++) {
            assertArrayEquals(a.followees(user), b.followees(user));
        }
        assertArrayEquals(a.tweetAuthors(), b.tweetAuthors());
    }

    @Test
    void everyoneFollowsTheCelebrityAndBetweenMinAndMaxOthersButNeverThemselves() {
        SocialGraph graph = SocialGraph.generate(DEFAULT);
        assertEquals(graph.users() - 1, graph.followerCount(SocialGraph.CELEBRITY));
        for (int user = 0; user < graph.users(); user++) {
            int[] followees = graph.followees(user);
            int others = user == SocialGraph.CELEBRITY ? followees.length : followees.length - 1;
            assertTrue(others >= 20 && others <= 200, "user " + user + " follows " + others + " others");
            assertTrue(Arrays.stream(followees).noneMatch(f -> f == 0) == (user == 0), "celebrity follow of " + user);
            int self = user;
            assertTrue(Arrays.stream(followees).noneMatch(f -> f == self), "user " + user + " follows themselves");
            assertEquals(followees.length, Arrays.stream(followees).distinct().count(), "duplicate follow of " + user);
        }
    }

    @Test
    void popularityIsSkewedAFewAccountsHaveMostUsersAsFollowersTheTailAFew() {
        SocialGraph graph = SocialGraph.generate(DEFAULT);
        int[] counts = new int[graph.users() - 1];
        for (int user = 1; user < graph.users(); user++) {
            counts[user - 1] = graph.followerCount(user);
        }
        Arrays.sort(counts);
        assertTrue(counts[counts.length - 1] > graph.users() / 2, "the most followed has " + counts[counts.length - 1]);
        assertTrue(counts[counts.length / 2] < 50, "the median has " + counts[counts.length / 2]);
        long followedByHalf = Arrays.stream(counts).filter(c -> c >= graph.users() / 2).count();
        assertTrue(followedByHalf >= 3 && followedByHalf < 100, followedByHalf + " accounts are followed by half of everyone");
        // the write-cost authors exist: about 10, 100 and 1000 followers
        for (int target : new int[] {10, 100, 1000}) {
            int author = graph.nearestByFollowers(target, Set.of(0));
            assertTrue(Math.abs(graph.followerCount(author) - target) <= target / 5 + 2,
                    "nearest to " + target + " has " + graph.followerCount(author));
        }
    }

    @Test
    void feedRowsAreEachTweetOnceForItsAuthorAndOncePerFollower() {
        SocialGraph graph = SocialGraph.generate(new SocialGraph.Spec(50, 5, 20, 1, 3, 1.0, 7));
        long expected = 0;
        for (int author : graph.tweetAuthors()) {
            expected += 1 + graph.followerCount(author);
        }
        assertEquals(expected, graph.feedRows());
        assertEquals(Arrays.stream(graph.tweetAuthors()).count(), graph.tweetAuthors().length);
    }

    @Test
    void aSmallGraphAskingForMoreFriendsThanThereAreUsersFollowsEveryone() {
        SocialGraph graph = SocialGraph.generate(new SocialGraph.Spec(10, 20, 200, 1, 1, 1.0, 1));
        for (int user = 0; user < graph.users(); user++) {
            assertEquals(graph.users() - 1, graph.followees(user).length);
        }
    }
}
