package dev.twitterarch.step6;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.twitterarch.common.feed.FeedCursor;
import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.tweet.Tweet;
import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.messaging.AfterCommit;

/**
 * Step 6's feed: push for most authors, pull for celebrities, both through Redis.
 *
 * <ul>
 *   <li>Push: each reader's home timeline is cached in Redis ({@code feed:{id}}, a sorted set of
 *       {@link SortedSetTimelines}) in front of step 5's feed_items, which stays the truth. After
 *       each commit the cached timelines that exist follow: the author's own at once (here), the
 *       followers' once a worker has written their rows ({@link CacheWritingWorker}). A follow or
 *       an unfollow drops the follower's cached timeline; the next read loads it again.</li>
 *   <li>Pull: a celebrity's tweets get no follower rows ({@link HybridFanOut}); they
 *       are cached once, in the author's own timeline ({@code timeline:{id}}, filled from tweets),
 *       and a page of a reader's feed merges the reader's home timeline with the timelines of the
 *       celebrities they follow, newest first, each tweet once. The home timeline caches the list
 *       of those celebrities with its rows (both are loaded, and dropped, together).</li>
 *   <li>Each part of a page is exact: a part that the cache cannot answer (not cached: loaded and
 *       cached now; deeper than the cached window; Redis down) comes from PostgreSQL, feed_items for
 *       the home timeline, tweets for a celebrity's. So the merged page is step 1's page.</li>
 * </ul>
 */
class HomeTimelines implements FeedStrategy {

    private final FeedStrategy fanOut;
    private final FeedItemStore feedItems;
    private final Celebrities celebrities;
    private final UserStore users;
    private final SortedSetTimelines timelines;
    private final CachedTweets tweets;
    private final CacheMeters meters;

    HomeTimelines(FeedStrategy fanOut, FeedItemStore feedItems, Celebrities celebrities, UserStore users,
                  SortedSetTimelines timelines, CachedTweets tweets, CacheMeters meters) {
        this.fanOut = fanOut;
        this.feedItems = feedItems;
        this.celebrities = celebrities;
        this.users = users;
        this.timelines = timelines;
        this.tweets = tweets;
        this.meters = meters;
    }

    // --- the API side: step 5's outbox fan-out, plus the author's own timelines at once -------------

    /** The author's home timeline and their own timeline take the tweet (each where it is cached). */
    @Override
    public void tweetPosted(Tweet tweet) {
        fanOut.tweetPosted(tweet);
        AfterCommit.run(() -> timelines.push(refOf(tweet), authorsTimelines(tweet.userId())));
    }

    @Override
    public void tweetDeleted(Tweet tweet) {
        fanOut.tweetDeleted(tweet);
        AfterCommit.run(() -> {
            timelines.remove(refOf(tweet), authorsTimelines(tweet.userId()));
            tweets.evict(tweet.id());
        });
    }

    @Override
    public void followed(long followerId, long followeeId) {
        fanOut.followed(followerId, followeeId);
        AfterCommit.run(() -> refresh(List.of(followerId)));
    }

    @Override
    public void unfollowed(long followerId, long followeeId) {
        fanOut.unfollowed(followerId, followeeId);
        AfterCommit.run(() -> refresh(List.of(followerId)));
    }

    private static TweetRef refOf(Tweet tweet) {
        return new TweetRef(tweet.id(), tweet.userId());
    }

    /**
     * Every author's own timeline is kept exact wherever it is cached, celebrity or not: it is one
     * more key in the same script call, and so a promotion or a demotion never finds it stale.
     */
    private static List<String> authorsTimelines(long authorId) {
        return List.of(TimelineKeys.feed(authorId), TimelineKeys.timeline(authorId));
    }

    // --- after a commit: the cached copies follow feed_items --------------------------------------

    /** These readers' feed rows for the tweet are committed: their cached timelines take it. */
    void delivered(TweetRef tweet, Collection<Long> readers) {
        timelines.push(tweet, readers.stream().map(TimelineKeys::feed).toList());
    }

    /** The tweet left these readers' feed rows. */
    void withdrawn(TweetRef tweet, Collection<Long> readers) {
        timelines.remove(tweet, readers.stream().map(TimelineKeys::feed).toList());
    }

    /** These readers' feeds changed as a whole (a follow, an unfollow, a promotion): their cached copies go. */
    void refresh(Collection<Long> readers) {
        timelines.invalidate(readers.stream().map(TimelineKeys::feed).toList());
    }

    // --- reads -------------------------------------------------------------------------------------

    @Override
    public List<TweetRef> read(long userId, FeedCursor cursor, int limit) {
        List<SortedSetTimelines.Cached> home = timelines.page(List.of(TimelineKeys.feed(userId)), cursor, limit);
        if (home == null) { // Redis did not answer
            meters.read(CacheMeters.Result.REDIS_DOWN);
            return fromPostgres(userId, cursor, limit);
        }
        Read read = new Read(cursor, limit);
        SortedSetTimelines.Cached cached = home.get(0);
        List<Long> followedCelebrities;
        if (cached == null) {
            Loaded loaded = loadHome(userId);
            read.add(loaded, () -> feedItems.page(userId, cursor, limit));
            followedCelebrities = loaded.celebrities();
        } else {
            read.add(cached, () -> feedItems.page(userId, cursor, limit));
            followedCelebrities = parseIds(cached.meta());
        }
        if (!followedCelebrities.isEmpty()) {
            mergeCelebrities(read, followedCelebrities);
            meters.merged(followedCelebrities.size());
        }
        meters.read(read.result);
        return merge(read.parts, limit);
    }

    private void mergeCelebrities(Read read, List<Long> authors) {
        List<SortedSetTimelines.Cached> cached = timelines.page(authors.stream().map(TimelineKeys::timeline).toList(),
                read.cursor, read.limit);
        if (cached == null) {
            read.fromPostgres(celebrities.tweetsOf(authors, read.cursor, read.limit), CacheMeters.Result.REDIS_DOWN);
            return;
        }
        for (int i = 0; i < authors.size(); i++) {
            long author = authors.get(i);
            Supplier<List<TweetRef>> fromTweets = () -> celebrities.tweetsOf(author, read.cursor, read.limit);
            if (cached.get(i) == null) {
                read.add(loadTimeline(author), fromTweets);
            } else {
                read.add(cached.get(i), fromTweets);
            }
        }
    }

    /** The parts of one page, and where the worst of them came from (a hit if Redis answered them all). */
    private static final class Read {
        final FeedCursor cursor;
        final int limit;
        final List<List<TweetRef>> parts = new ArrayList<>();
        CacheMeters.Result result = CacheMeters.Result.HIT;

        Read(FeedCursor cursor, int limit) {
            this.cursor = cursor;
            this.limit = limit;
        }

        void add(SortedSetTimelines.Cached cached, Supplier<List<TweetRef>> fromPostgres) {
            if (cached.answers(limit)) {
                parts.add(cached.entries());
            } else {
                fromPostgres(fromPostgres.get(), CacheMeters.Result.PAST_CACHE); // deeper than the cached window
            }
        }

        void add(Loaded loaded, Supplier<List<TweetRef>> fromPostgres) {
            fromPostgres(loaded.answers(cursor, limit) ? loaded.page(cursor, limit) : fromPostgres.get(), CacheMeters.Result.FILL);
        }

        void fromPostgres(List<TweetRef> part, CacheMeters.Result why) {
            parts.add(part);
            if (why.ordinal() > result.ordinal()) {
                result = why;
            }
        }
    }

    /** Redis down: both parts from PostgreSQL. */
    private List<TweetRef> fromPostgres(long userId, FeedCursor cursor, int limit) {
        List<TweetRef> own = feedItems.page(userId, cursor, limit);
        List<Long> followed = celebrities.followedBy(userId);
        return followed.isEmpty() ? own : merge(List.of(own, celebrities.tweetsOf(followed, cursor, limit)), limit);
    }

    /**
     * Newest first, each tweet once (a celebrity's tweet may also have a row in the home timeline,
     * written before their promotion), at most {@code limit}.
     */
    static List<TweetRef> merge(List<List<TweetRef>> parts, int limit) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        TreeMap<Long, TweetRef> byId = new TreeMap<>(Comparator.reverseOrder());
        parts.forEach(part -> part.forEach(ref -> byId.putIfAbsent(ref.tweetId(), ref)));
        return byId.values().stream().limit(limit).toList();
    }

    /** What a fill loaded from PostgreSQL: the newest entries, whether they are all, and (a home timeline) the celebrities followed. */
    record Loaded(List<TweetRef> newest, boolean whole, List<Long> celebrities) {

        List<TweetRef> page(FeedCursor cursor, int limit) {
            return newest.stream().filter(ref -> ref.tweetId() < cursor.before()).limit(limit).toList();
        }

        boolean answers(FeedCursor cursor, int limit) {
            return whole || page(cursor, limit).size() == limit;
        }
    }

    /**
     * Loads the newest entries of a reader's feed, and the celebrities they follow, from PostgreSQL
     * and caches them, unless another reader is loading it already (then this one just answers from
     * what it loaded). The claim comes first: a row committed after it is pushed onto the claimed
     * set, one committed before is loaded; a follow committed after it drops the claim.
     */
    Loaded loadHome(long userId) {
        String key = TimelineKeys.feed(userId);
        String token = timelines.claim(key);
        List<TweetRef> newest = feedItems.page(userId, FeedCursor.FIRST, timelines.capacity());
        List<Long> followed = celebrities.followedBy(userId);
        boolean whole = newest.size() < timelines.capacity();
        if (token != null) {
            if (newest.isEmpty() && followed.isEmpty() && !users.exists(userId)) {
                timelines.abandon(key, token); // no timeline for an id that belongs to nobody
            } else {
                timelines.fill(key, token, newest, whole, followed.stream().map(String::valueOf).collect(Collectors.joining(",")));
            }
        }
        return new Loaded(newest, whole, followed);
    }

    /** Loads an author's own newest tweets from PostgreSQL and caches them (a celebrity's timeline). */
    Loaded loadTimeline(long authorId) {
        String key = TimelineKeys.timeline(authorId);
        String token = timelines.claim(key);
        List<TweetRef> newest = celebrities.tweetsOf(authorId, FeedCursor.FIRST, timelines.capacity());
        boolean whole = newest.size() < timelines.capacity();
        if (token != null) {
            timelines.fill(key, token, newest, whole, "");
        }
        return new Loaded(newest, whole, List.of());
    }

    private static List<Long> parseIds(String csv) {
        return csv.isEmpty() ? List.of() : Arrays.stream(csv.split(",")).map(Long::valueOf).toList();
    }

    long hits() {
        return meters.hits();
    }

    long misses() {
        return meters.misses();
    }
}
