package dev.twitterarch.step6;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.twitterarch.common.feed.FeedCursor;
import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.tweet.Tweet;
import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.messaging.AfterCommit;
import redis.clients.jedis.AbstractTransaction;

/**
 * Step 6: a Redis list per user, {@code feed:{id}}, in front of feed_items, written like a circular
 * buffer: LPUSH the newest entry, LTRIM to the capacity (800), so memory per user is bounded and
 * the oldest entries fall off. feed_items stays the truth; the list is a copy of its newest part
 * (entries {@code tweetId:authorId}; an {@code end} marker last when the list holds the whole feed).
 *
 * <ul>
 *   <li>Writes: the workers (and the API, for the author's own entry) push after the database
 *       commit, one Lua script per batch of readers: for each list that exists, LPUSH the entry
 *       and LTRIM to the capacity. A list that is not cached is not created by a push (a partial
 *       list would look complete). An entry already there is not pushed again (a redelivered
 *       batch changes nothing), and the rare entry that arrives out of id order is inserted at its
 *       place rather than on top, so the trim always drops the oldest tweets, never a newer one.</li>
 *   <li>Reads: one Lua script walks the list (newest first) inside Redis and returns just the page.
 *       A miss loads the newest 800 rows from PostgreSQL; a page deeper than a full list comes from
 *       PostgreSQL.</li>
 *   <li>Filling a miss races with pushes: the reader first claims the empty key with a placeholder,
 *       pushes that arrive meanwhile land in front of it, and one Lua script merges them with the
 *       rows from PostgreSQL, only if the placeholder is still there (an invalidation deleted it
 *       otherwise, and the stale load is dropped).</li>
 *   <li>Follows and unfollows change a whole feed: the list is deleted and refills on the next read.</li>
 * </ul>
 * Everything falls back to PostgreSQL when Redis fails ({@link SoftRedis}).
 */
class CircularBufferFeed implements FeedStrategy {

    /** Atomically replaces the placeholder with the merged entries; 0 if the placeholder is gone. */
    private static final String FILL = """
            local entries = redis.call('LRANGE', KEYS[1], 0, -1)
            local claimed = false
            for _, v in ipairs(entries) do if v == ARGV[1] then claimed = true end end
            if not claimed then return 0 end
            local seen, merged = {}, {}
            local function add(v)
              if v ~= ARGV[1] and v ~= 'end' and string.sub(v, 1, 8) ~= 'warming:' and not seen[v] then
                seen[v] = true
                table.insert(merged, v)
              end
            end
            for _, v in ipairs(entries) do add(v) end
            for i = 5, #ARGV do add(ARGV[i]) end
            table.sort(merged, function(a, b)
              return tonumber(string.match(a, '^%d+')) > tonumber(string.match(b, '^%d+'))
            end)
            local capacity = tonumber(ARGV[2])
            redis.call('DEL', KEYS[1])
            for i = 1, math.min(#merged, capacity) do redis.call('RPUSH', KEYS[1], merged[i]) end
            if ARGV[4] == 'complete' and #merged < capacity then redis.call('RPUSH', KEYS[1], 'end') end
            redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
            return 1""";

    /**
     * KEYS: the readers' feed lists; ARGV: the entry, the capacity. Keeps each list sorted, newest
     * first, and free of duplicates; returns how many lists took the entry. An entry older than
     * everything in a list is kept only where the list ends with 'end' (it holds the whole feed) or
     * with a fill's placeholder (the fill merges it); otherwise it lies beyond the cached window.
     */
    private static final String PUSH = """
            local entry, capacity = ARGV[1], tonumber(ARGV[2])
            local id = tonumber(string.match(entry, '^%d+'))
            local pushed = 0
            for _, key in ipairs(KEYS) do
              if redis.call('EXISTS', key) == 1 and not redis.call('LPOS', key, entry) then
                local head = redis.call('LINDEX', key, 0)
                local headId = tonumber(string.match(head, '^%d+') or '')
                local placed = false
                if headId == nil or id > headId then
                  redis.call('LPUSH', key, entry)
                  placed = true
                else
                  for _, v in ipairs(redis.call('LRANGE', key, 0, -1)) do
                    local vid = tonumber(string.match(v, '^%d+') or '')
                    if (vid ~= nil and vid < id) or v == 'end' or string.sub(v, 1, 8) == 'warming:' then
                      redis.call('LINSERT', key, 'BEFORE', v, entry)
                      placed = true
                      break
                    end
                  end
                end
                if placed then
                  redis.call('LTRIM', key, 0, capacity - 1)
                  pushed = pushed + 1
                end
              end
            end
            return pushed""";

    /**
     * KEYS: the feed list; ARGV: before (exclusive), limit. Returns {'miss'} when the list is absent
     * or being filled, else {'whole' or 'partial', entries...}: up to limit entries older than before.
     */
    private static final String PAGE = """
            local last = redis.call('LINDEX', KEYS[1], -1)
            if not last or string.sub(last, 1, 8) == 'warming:' then return {'miss'} end
            local before, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
            local page = {last == 'end' and 'whole' or 'partial'}
            for _, v in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
              local id = tonumber(string.match(v, '^%d+') or '')
              if id ~= nil and id < before then
                table.insert(page, v)
                if #page > limit then break end
              end
            end
            return page""";

    private static final String CLAIM = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('EXPIRE', KEYS[1], 30)
            return 1""";

    /** Lua numbers are doubles: the first page's cursor (Long.MAX_VALUE) is passed as 2^53, above every id. */
    private static final long MAX_JS_SAFE = 1L << 53;

    private final FeedStrategy fanOut;
    private final FeedItemStore feedItems;
    private final UserStore users;
    private final SoftRedis redis;
    private final CacheSettings settings;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    CircularBufferFeed(FeedStrategy fanOut, FeedItemStore feedItems, UserStore users, SoftRedis redis, CacheSettings settings) {
        this.fanOut = fanOut;
        this.feedItems = feedItems;
        this.users = users;
        this.redis = redis;
        this.settings = settings;
    }

    // --- the API side: step 5's outbox fan-out, plus the author's own list at once -------------

    @Override
    public void tweetPosted(Tweet tweet) {
        fanOut.tweetPosted(tweet);
        AfterCommit.run(() -> added(tweet.id(), tweet.userId(), List.of(tweet.userId())));
    }

    @Override
    public void tweetDeleted(Tweet tweet) {
        fanOut.tweetDeleted(tweet);
        AfterCommit.run(() -> redis.run(jedis -> {
            jedis.lrem(FeedKeys.feed(tweet.userId()), 0, FeedKeys.entry(tweet.id(), tweet.userId()));
            jedis.del(FeedKeys.tweet(tweet.id()));
        }));
    }

    @Override
    public void followed(long followerId, long followeeId) {
        fanOut.followed(followerId, followeeId);
    }

    @Override
    public void unfollowed(long followerId, long followeeId) {
        fanOut.unfollowed(followerId, followeeId);
    }

    // --- the workers' side, after each commit ({@link CacheWritingWorker}) -------------------------

    void added(long tweetId, long authorId, List<Long> readerIds) {
        List<String> keys = readerIds.stream().map(FeedKeys::feed).toList();
        List<String> args = List.of(FeedKeys.entry(tweetId, authorId), Integer.toString(settings.capacity()));
        redis.run(jedis -> jedis.eval(PUSH, keys, args));
    }

    void removed(long tweetId, long authorId, List<Long> readerIds) {
        String entry = FeedKeys.entry(tweetId, authorId);
        redis.run(jedis -> {
            try (AbstractTransaction remove = jedis.multi()) {
                readerIds.forEach(reader -> remove.lrem(FeedKeys.feed(reader), 0, entry));
                remove.del(FeedKeys.tweet(tweetId));
                remove.exec();
            }
        });
    }

    /** A follow or unfollow changed a whole feed: what the cache holds of it is stale. */
    void changed(long readerId) {
        redis.run(jedis -> jedis.del(FeedKeys.feed(readerId)));
    }

    // --- reads -------------------------------------------------------------------------------------

    @Override
    @SuppressWarnings("unchecked")
    public List<TweetRef> read(long userId, FeedCursor cursor, int limit) {
        List<String> reply = (List<String>) redis.call(jedis -> jedis.eval(PAGE, List.of(FeedKeys.feed(userId)),
                List.of(Long.toString(Math.min(cursor.before(), MAX_JS_SAFE)), Integer.toString(limit))), () -> null);
        if (reply != null && !reply.get(0).equals("miss")) {
            List<TweetRef> page = reply.subList(1, reply.size()).stream().map(FeedKeys::parse).toList();
            if (page.size() == limit || reply.get(0).equals("whole")) {
                hits.incrementAndGet();
                return page;
            }
            misses.incrementAndGet(); // deeper than the newest 800: PostgreSQL has the rest
            return feedItems.page(userId, cursor, limit);
        }
        misses.incrementAndGet();
        if (reply != null) { // not cached (and Redis answers): load it, and answer from the load
            List<TweetRef> newest = fill(userId);
            List<TweetRef> page = pageOf(newest, cursor, limit);
            if (page.size() == limit || newest.size() < settings.capacity()) {
                return page;
            }
        }
        return feedItems.page(userId, cursor, limit);
    }

    /** The entries older than the cursor, newest first, at most {@code limit}. */
    private static List<TweetRef> pageOf(List<TweetRef> entries, FeedCursor cursor, int limit) {
        return entries.stream()
                .filter(ref -> ref.tweetId() < cursor.before())
                .distinct()
                .sorted(Comparator.comparingLong(TweetRef::tweetId).reversed())
                .limit(limit)
                .toList();
    }

    /**
     * Loads the newest entries of a feed from PostgreSQL and, unless another reader is filling it
     * already, into its list. Returns what it loaded.
     */
    List<TweetRef> fill(long userId) {
        String key = FeedKeys.feed(userId);
        String claim = FeedKeys.WARMING + UUID.randomUUID();
        Object claimed = redis.call(jedis -> jedis.eval(CLAIM, List.of(key), List.of(claim)), () -> 0L);
        List<TweetRef> newest = feedItems.page(userId, FeedCursor.FIRST, settings.capacity());
        if (newest.isEmpty() && !users.exists(userId)) {
            redis.run(jedis -> jedis.lrem(key, 0, claim)); // no list for an id that belongs to nobody
            return newest;
        }
        if (Long.valueOf(1).equals(claimed)) {
            List<String> args = new ArrayList<>(List.of(claim, Integer.toString(settings.capacity()),
                    Long.toString(settings.ttl().toSeconds()), newest.size() < settings.capacity() ? "complete" : "partial"));
            newest.forEach(ref -> args.add(FeedKeys.entry(ref)));
            redis.run(jedis -> jedis.eval(FILL, List.of(key), args));
        }
        return newest;
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }
}
