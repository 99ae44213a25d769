package dev.twitterarch.step6;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.twitterarch.common.feed.FeedCursor;
import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.tweet.Tweet;
import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.messaging.AfterCommit;

/**
 * Step 6's feed: each reader's home timeline cached in Redis ({@code feed:{id}}, a sorted set of
 * {@link SortedSetTimelines}) in front of step 5's feed_items, which stays the truth.
 *
 * <ul>
 *   <li>Writes: step 5's outbox fan-out, unchanged. After each commit the cached timelines that
 *       exist follow: the author's own at once (here), the followers' once a worker has written
 *       their rows ({@link CacheWritingWorker}). A follow or an unfollow drops the follower's
 *       timeline; it is loaded again at the next read.</li>
 *   <li>Reads: a page from the sorted set (a hit); a timeline not cached is loaded from feed_items
 *       (its newest 800 rows) and cached (a miss); a page below the cached part, or any page while
 *       Redis is down, comes from PostgreSQL.</li>
 * </ul>
 */
class HomeTimelines implements FeedStrategy {

    private final FeedStrategy fanOut;
    private final FeedItemStore feedItems;
    private final UserStore users;
    private final SortedSetTimelines timelines;
    private final CachedTweets tweets;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    HomeTimelines(FeedStrategy fanOut, FeedItemStore feedItems, UserStore users, SortedSetTimelines timelines,
                  CachedTweets tweets) {
        this.fanOut = fanOut;
        this.feedItems = feedItems;
        this.users = users;
        this.timelines = timelines;
        this.tweets = tweets;
    }

    // --- the API side: step 5's outbox fan-out, plus the author's own timeline at once --------------

    @Override
    public void tweetPosted(Tweet tweet) {
        fanOut.tweetPosted(tweet);
        AfterCommit.run(() -> delivered(refOf(tweet), List.of(tweet.userId())));
    }

    @Override
    public void tweetDeleted(Tweet tweet) {
        fanOut.tweetDeleted(tweet);
        AfterCommit.run(() -> {
            withdrawn(refOf(tweet), List.of(tweet.userId()));
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

    // --- after a commit: the cached copies follow feed_items --------------------------------------

    /** These readers' feed rows for the tweet are committed: their cached timelines take it. */
    void delivered(TweetRef tweet, Collection<Long> readers) {
        timelines.push(tweet, readers.stream().map(TimelineKeys::feed).toList());
    }

    /** The tweet left these readers' feed rows. */
    void withdrawn(TweetRef tweet, Collection<Long> readers) {
        timelines.remove(tweet, readers.stream().map(TimelineKeys::feed).toList());
    }

    /** These readers' feeds changed as a whole (a follow, an unfollow): their cached copies go. */
    void refresh(Collection<Long> readers) {
        timelines.invalidate(readers.stream().map(TimelineKeys::feed).toList());
    }

    // --- reads -------------------------------------------------------------------------------------

    @Override
    public List<TweetRef> read(long userId, FeedCursor cursor, int limit) {
        List<SortedSetTimelines.Cached> reply = timelines.page(List.of(TimelineKeys.feed(userId)), cursor, limit);
        if (reply == null) { // Redis did not answer
            misses.incrementAndGet();
            return feedItems.page(userId, cursor, limit);
        }
        SortedSetTimelines.Cached cached = reply.get(0);
        if (cached != null && cached.answers(limit)) {
            hits.incrementAndGet();
            return cached.entries();
        }
        misses.incrementAndGet();
        if (cached != null) { // deeper than the cached part: PostgreSQL has the rest
            return feedItems.page(userId, cursor, limit);
        }
        Loaded loaded = load(userId);
        return loaded.answers(cursor, limit) ? loaded.page(cursor, limit) : feedItems.page(userId, cursor, limit);
    }

    /** What a fill loaded from PostgreSQL: the newest entries, and whether they are the whole timeline. */
    record Loaded(List<TweetRef> newest, boolean whole) {

        List<TweetRef> page(FeedCursor cursor, int limit) {
            return newest.stream().filter(ref -> ref.tweetId() < cursor.before()).limit(limit).toList();
        }

        boolean answers(FeedCursor cursor, int limit) {
            return whole || page(cursor, limit).size() == limit;
        }
    }

    /**
     * Loads the newest entries of a reader's feed from PostgreSQL and caches them, unless another
     * reader is loading it already (then this one just answers from what it loaded). The claim comes
     * first: a row committed after it is pushed onto the claimed set, one committed before is loaded.
     */
    Loaded load(long userId) {
        String key = TimelineKeys.feed(userId);
        String token = timelines.claim(key);
        List<TweetRef> newest = feedItems.page(userId, FeedCursor.FIRST, timelines.capacity());
        boolean whole = newest.size() < timelines.capacity();
        if (token != null) {
            if (newest.isEmpty() && !users.exists(userId)) {
                timelines.abandon(key, token); // no timeline for an id that belongs to nobody
            } else {
                timelines.fill(key, token, newest, whole, "");
            }
        }
        return new Loaded(newest, whole);
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }
}
