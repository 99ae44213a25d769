package dev.twitterarch.step6;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.testing.JdbcActivity;
import dev.twitterarch.common.testing.TestServices;

/**
 * The celebrity hybrid: with twitter.feed.celebrity-threshold = 3, an author followed by 4 or more
 * users is a celebrity. Their tweets get no follower rows and no pushes, yet every follower's page
 * has them (merged from the author's own cached timeline); crossing the threshold either way keeps
 * every feed exact. A schema of its own, as every context with an outbox relay has.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twitter.schema=step6_celebrity_cases",
        "twitter.feed.celebrity-threshold=3"})
@Import(JdbcActivity.class)
class Step6CelebrityTest extends Step6ApplicationTest {

    private static final int THRESHOLD = 3;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JdbcActivity jdbcActivity;

    @Autowired
    CacheMeters meters;

    /**
     * Proves: a celebrity's tweet creates no per-follower feed_items row (only the author's own),
     * and no follower's cached timeline holds it, yet it is in every follower's feed, at once (it
     * is merged from the author's timeline, which the POST updated), and after quiescence too.
     */
    @Test
    void aCelebrityTweetWritesNoFollowerRowsYetReachesEveryFollower() {
        long star = api.createUser();
        long promotions = meters.promotions();
        List<Long> fans = followers(star, THRESHOLD + 2);
        awaitQuiescence();
        assertThat(isCelebrity(star)).isTrue();
        assertThat(meters.promotions() - promotions).isEqualTo(1);
        long skipped = meters.celebrityTweets();
        fans.forEach(fan -> assertThat(api.page(fan, 20, null).ids()).isEmpty()); // caches every fan's (empty) timeline

        long tweet = api.tweet(star, "to everyone, at once");
        for (long fan : fans) {
            assertThat(api.page(fan, 20, null).ids()).as("fan %d's feed right after the POST", fan).containsExactly(tweet);
        }
        awaitQuiescence();

        assertThat(jdbc.sql("SELECT user_id FROM feed_items WHERE tweet_id = :tweet").param("tweet", tweet).query(Long.class).list())
                .as("feed rows of the celebrity's tweet").containsExactly(star);
        for (long fan : fans) {
            assertThat(redis.tweetIds(fan)).as("fan %d's own cached timeline", fan).isEmpty();
            assertThat(api.wholeFeed(fan, 1)).as("fan %d's feed", fan).containsExactly(tweet);
        }
        assertThat(redis.timelineTweetIds(star)).as("the celebrity's timeline, cached once").containsExactly(tweet);
        assertThat(meters.celebrityTweets() - skipped).as("tweets left out of the fan-out").isEqualTo(1);
        assertThat(api.wholeFeed(star, 1)).as("the celebrity's own feed").containsExactly(tweet);
    }

    /**
     * Proves: a warm page that merges a celebrity's timeline with the reader's own touches no table,
     * and interleaves both exactly, page after page.
     */
    @Test
    void aWarmMergedPageTouchesNoTable() {
        long star = api.createUser();
        long reader = api.createUser();
        long friend = api.createUser();
        followers(star, THRESHOLD);
        api.follow(reader, star).expect(201);
        api.follow(reader, friend).expect(201);
        awaitQuiescence();
        assertThat(isCelebrity(star)).isTrue();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            expected.add(api.tweet(i % 2 == 0 ? star : friend, "post " + i));
        }
        awaitQuiescence();
        expected.sort(Comparator.reverseOrder());

        assertThat(api.wholeFeed(reader, 5)).containsExactlyElementsOf(expected); // warms the timelines and the tweets
        jdbcActivity.reset();
        long hits = feed.hits();
        long merges = meters.merges();
        assertThat(api.wholeFeed(reader, 5)).containsExactlyElementsOf(expected);
        assertThat(jdbcActivity.byRequests()).as("PostgreSQL use by the warm merged reads").isEmpty();
        assertThat(feed.hits() - hits).isEqualTo(3);
        assertThat(meters.merges() - merges).as("pages that merged the celebrity's timeline").isEqualTo(3);
    }

    /**
     * Proves: when an author becomes a celebrity, the tweets fanned out before (rows in every
     * follower's feed) and the merged timeline count each tweet once; the tweets after have no
     * follower rows; deleting an old one still takes it out everywhere. Every follower's feed is
     * the model's, read 1 and 3 at a time.
     */
    @Test
    void crossingTheThresholdUpwardsKeepsEveryFeedExact() {
        long author = api.createUser();
        List<Long> fans = followers(author, THRESHOLD);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.add(api.tweet(author, "fanned out " + i));
        }
        awaitQuiescence();
        assertThat(isCelebrity(author)).isFalse();
        fans.forEach(fan -> assertThat(api.page(fan, 20, null).ids()).hasSize(4)); // cached with their rows

        List<Long> everyone = new ArrayList<>(fans);
        everyone.add(followers(author, 1).get(0)); // the fourth follower: a celebrity now
        awaitQuiescence();
        assertThat(isCelebrity(author)).isTrue();
        long merged = api.tweet(author, "merged at read");
        expected.add(merged);
        api.deleteTweet(author, expected.remove(0));
        awaitQuiescence();

        List<Long> newestFirst = newestFirst(expected);
        for (long fan : everyone) {
            assertThat(api.wholeFeed(fan, 1)).as("fan %d, 1 a page", fan).containsExactlyElementsOf(newestFirst);
            assertThat(api.wholeFeed(fan, 3)).as("fan %d, 3 a page", fan).containsExactlyElementsOf(newestFirst);
        }
        assertThat(rowsOf(merged)).as("rows of the tweet posted as a celebrity").containsExactly(author);
    }

    /**
     * Proves: when a celebrity stops being one (an unfollow brings them down to the threshold), the
     * tweets that were merged until then are backfilled into every remaining follower's feed rows,
     * and later tweets are fanned out again; the one who unfollowed sees none of them.
     */
    @Test
    void crossingTheThresholdDownwardsBackfillsEveryFollower() {
        long star = api.createUser();
        List<Long> fans = followers(star, THRESHOLD + 1);
        awaitQuiescence();
        assertThat(isCelebrity(star)).isTrue();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.add(api.tweet(star, "merged " + i));
        }
        awaitQuiescence();
        fans.forEach(fan -> assertThat(api.page(fan, 20, null).ids()).hasSize(4));
        assertThat(rowsOf(expected.get(0))).containsExactly(star);

        long leaver = fans.get(0);
        api.unfollow(leaver, star);
        awaitQuiescence();
        assertThat(isCelebrity(star)).isFalse();
        expected.add(api.tweet(star, "fanned out again"));
        awaitQuiescence();

        List<Long> remaining = fans.subList(1, fans.size());
        for (long tweet : expected) {
            assertThat(rowsOf(tweet)).as("rows of tweet %d", tweet).containsExactlyInAnyOrderElementsOf(withAuthor(remaining, star));
        }
        for (long fan : remaining) {
            assertThat(api.wholeFeed(fan, 2)).as("fan %d", fan).containsExactlyElementsOf(newestFirst(expected));
        }
        assertThat(api.wholeFeed(leaver, 2)).as("the one who unfollowed").isEmpty();
    }

    /**
     * Proves: following a celebrity copies nothing into feed_items and shows their tweets at once
     * (no backfill to wait for); unfollowing takes them out at once.
     */
    @Test
    void followingACelebrityCopiesNothingAndShowsAtOnce() {
        long star = api.createUser();
        followers(star, THRESHOLD + 1);
        awaitQuiescence();
        List<Long> tweets = IntStream.range(0, 3).mapToObj(i -> api.tweet(star, "old " + i)).toList();
        long reader = api.createUser();
        long own = api.tweet(reader, "own");
        assertThat(api.page(reader, 20, null).ids()).containsExactly(own);

        api.follow(reader, star).expect(201);
        List<Long> expected = new ArrayList<>(tweets);
        expected.add(own);
        assertThat(api.wholeFeed(reader, 2)).as("right after the follow").containsExactlyElementsOf(newestFirst(expected));
        awaitQuiescence();
        assertThat(api.wholeFeed(reader, 2)).containsExactlyElementsOf(newestFirst(expected));
        assertThat(jdbc.sql("SELECT count(*) FROM feed_items WHERE user_id = :reader AND author_id = :star")
                .param("reader", reader).param("star", star).query(Long.class).single()).as("rows copied by the follow").isZero();

        api.unfollow(reader, star);
        assertThat(api.wholeFeed(reader, 2)).as("right after the unfollow").containsExactly(own);
        awaitQuiescence();
        assertThat(api.wholeFeed(reader, 2)).containsExactly(own);
    }

    // --- helpers --------------------------------------------------------------------------------------

    /** {@code count} new users who follow the author; returns them. */
    private List<Long> followers(long author, int count) {
        List<Long> fans = IntStream.range(0, count).mapToObj(i -> api.createUser()).toList();
        fans.forEach(fan -> api.follow(fan, author).expect(201));
        return fans;
    }

    private boolean isCelebrity(long user) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM celebrities WHERE user_id = :user)").param("user", user)
                .query(Boolean.class).single();
    }

    private List<Long> rowsOf(long tweet) {
        return jdbc.sql("SELECT user_id FROM feed_items WHERE tweet_id = :tweet").param("tweet", tweet).query(Long.class).list();
    }

    private static List<Long> withAuthor(List<Long> readers, long author) {
        List<Long> all = new ArrayList<>(readers);
        all.add(author);
        return all;
    }
}
