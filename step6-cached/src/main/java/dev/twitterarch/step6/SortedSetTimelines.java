package dev.twitterarch.step6;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import dev.twitterarch.common.feed.FeedCursor;
import dev.twitterarch.common.feed.TweetRef;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Bounded timelines in Redis, one sorted set each (Mastodon's FeedManager keeps its home feeds the
 * same way): members {@code tweetId:authorId} scored by the tweet id, newest {@code capacity} kept.
 * A reader's home timeline ({@code feed:{id}}) and a celebrity's own tweets ({@code timeline:{id}})
 * are both one of these. Every operation costs O(log n) per entry it touches, a page O(log n + page):
 * <ul>
 *   <li>a page is {@code ZRANGE key (cursor (0 BYSCORE REV LIMIT 0 limit};</li>
 *   <li>a push is {@code ZADD} (the same member twice is one member, so a redelivered batch changes
 *       nothing, and an entry that arrives late still lands at its place), then
 *       {@code ZREMRANGEBYRANK} to drop the oldest beyond the capacity.</li>
 * </ul>
 *
 * <p>A cache must know where its copy ends. Each set holds one marker, the member at score 0:
 * <pre>
 *   !ok|{floor}|{meta}   the set holds every entry of the timeline with an id at or above floor;
 *                        floor 0: all of them (a page that runs out of entries is the last page)
 *   !fill|{token}        a reader is loading the timeline from PostgreSQL (the set is not served)
 * </pre>
 * The floor is exact under concurrency because every write that moves it is one script: a trim
 * raises it to the oldest entry kept, and a push below the floor is dropped (its neighbours below
 * the floor were trimmed long ago, so adding it would open a hole). A page that is short and above
 * a non-zero floor therefore reads PostgreSQL. {@code meta} is what the loader cached with the
 * timeline (a home timeline keeps the celebrities its reader follows there).
 *
 * <p>The fill race: a reader misses, loads from PostgreSQL, and meanwhile workers commit and push
 * new entries. The reader first claims the absent key with the {@code !fill} placeholder; pushes
 * that arrive while it loads are added to the placeholder's set; the fill script then merges the
 * loaded rows in, but only if its placeholder is still there. Whatever changes a timeline in a way
 * a merge cannot repair deletes the key: an invalidation (a follow), or a removal that finds a fill
 * under way (the loaded rows may still hold the removed entry). The fill then finds no placeholder,
 * drops what it loaded, and the next read loads again. A push never creates a set: an absent set is
 * simply not cached, and an entry added to nothing would look like a complete timeline.
 *
 * <p>The scripts are loaded once and called by digest ({@link LuaScript}); every call goes through
 * {@link SoftRedis}, so a Redis failure is an answer of "not cached", never an error.
 *
 * <p>A push is an observation ({@code twitter.cache.push}): in a trace, the Redis write of each
 * batch of a tweet's fan-out, after the batch's rows have committed.
 */
class SortedSetTimelines {

    /** Lua shared by the scripts: the marker, its fields, and the trim that keeps the floor exact. */
    private static final String PRELUDE = """
            local function marker_of(key)
              local m = redis.call('ZRANGE', key, 0, 0)[1]
              if m == nil then return nil end
              if string.sub(m, 1, 4) == '!ok|' or string.sub(m, 1, 6) == '!fill|' then return m end
              return nil
            end
            local function filling(m) return string.sub(m, 1, 6) == '!fill|' end
            local function floor_of(m) return tonumber(string.match(m, '^!ok|(%d+)|')) end
            local function meta_of(m) return string.match(m, '^!ok|%d+|(.*)$') end
            -- keeps the newest `capacity` entries (the marker, rank 0, not counted); the floor rises
            -- to the oldest entry kept. Scores are printed with %.0f: exact below 2^53, never 1e+14
            local function trim(key, m, capacity)
              local excess = redis.call('ZCARD', key) - 1 - capacity
              if excess <= 0 then return end
              redis.call('ZREMRANGEBYRANK', key, 1, excess)
              local oldest = tonumber(redis.call('ZRANGE', key, 1, 1, 'WITHSCORES')[2])
              redis.call('ZREM', key, m)
              redis.call('ZADD', key, 0, '!ok|' .. string.format('%.0f', oldest) .. '|' .. meta_of(m))
            end
            """;

    /**
     * KEYS: timelines. ARGV: the exclusive upper bound ('(id' or '+inf'), the page size. For each key
     * in order: its marker ('' if absent or being filled), the number of entries that follow, and
     * the entries, newest first.
     */
    private static final LuaScript PAGE = LuaScript.of("page", PRELUDE + """
            local out = {}
            for _, key in ipairs(KEYS) do
              local m = marker_of(key)
              if m == nil or filling(m) then
                table.insert(out, '')
                table.insert(out, '0')
              else
                local page = redis.call('ZRANGE', key, ARGV[1], '(0', 'BYSCORE', 'REV', 'LIMIT', 0, tonumber(ARGV[2]))
                table.insert(out, m)
                table.insert(out, tostring(#page))
                for _, v in ipairs(page) do table.insert(out, v) end
              end
            end
            return out""");

    /** KEYS[1]: a timeline; ARGV: this fill's token, seconds the placeholder lives. 1 if claimed, 0 if the key exists. */
    private static final LuaScript CLAIM = LuaScript.of("claim", """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('ZADD', KEYS[1], 0, '!fill|' .. ARGV[1])
            redis.call('EXPIRE', KEYS[1], ARGV[2])
            return 1""");

    /**
     * KEYS[1]: the timeline; ARGV: token, capacity, ttl seconds, floor, meta, then score and member
     * of each loaded entry. Only while the token's placeholder is there: merges the loaded entries
     * with those pushed meanwhile, drops pushed ones below the loaded floor, trims. 1 if filled.
     */
    private static final LuaScript FILL = LuaScript.of("fill", PRELUDE + """
            local key, placeholder = KEYS[1], '!fill|' .. ARGV[1]
            if not redis.call('ZSCORE', key, placeholder) then return 0 end
            redis.call('ZREM', key, placeholder)
            for i = 6, #ARGV, 1000 do
              redis.call('ZADD', key, unpack(ARGV, i, math.min(i + 999, #ARGV)))
            end
            if ARGV[4] ~= '0' then redis.call('ZREMRANGEBYSCORE', key, '(0', '(' .. ARGV[4]) end
            local m = '!ok|' .. ARGV[4] .. '|' .. ARGV[5]
            redis.call('ZADD', key, 0, m)
            trim(key, m, tonumber(ARGV[2]))
            redis.call('EXPIRE', key, ARGV[3])
            return 1""");

    /** KEYS[1]: the timeline; ARGV[1]: token. Gives up a claim (the timeline belongs to nobody). */
    private static final LuaScript ABANDON = LuaScript.of("abandon", """
            if redis.call('ZSCORE', KEYS[1], '!fill|' .. ARGV[1]) then redis.call('DEL', KEYS[1]) end
            return 0""");

    /**
     * KEYS: timelines; ARGV: member, score, capacity. Adds the entry to each timeline that is cached
     * and holds its place (at or above the floor), or that is being filled; trims. Returns how many took it.
     */
    private static final LuaScript PUSH = LuaScript.of("push", PRELUDE + """
            local member, score, capacity = ARGV[1], ARGV[2], tonumber(ARGV[3])
            local id, added = tonumber(score), 0
            for _, key in ipairs(KEYS) do
              local m = marker_of(key)
              if m ~= nil then
                if filling(m) then
                  added = added + redis.call('ZADD', key, score, member)
                elseif id >= floor_of(m) then
                  added = added + redis.call('ZADD', key, score, member)
                  trim(key, m, capacity)
                end
              end
            end
            return added""");

    /**
     * KEYS: timelines; ARGV[1]: member. Removes the entry; a timeline being filled is deleted instead
     * (the rows its reader loaded may hold the entry). Returns how many entries went.
     */
    private static final LuaScript REMOVE = LuaScript.of("remove", PRELUDE + """
            local removed = 0
            for _, key in ipairs(KEYS) do
              local m = marker_of(key)
              if m ~= nil then
                if filling(m) then
                  redis.call('DEL', key)
                else
                  removed = removed + redis.call('ZREM', key, ARGV[1])
                end
              end
            end
            return removed""");

    static final List<LuaScript> SCRIPTS = List.of(PAGE, CLAIM, FILL, ABANDON, PUSH, REMOVE);

    /** How long a claim lives if its reader never fills (a crash, a PostgreSQL stall). */
    private static final int CLAIM_SECONDS = 30;
    /** Lua and Redis scores are doubles: every id is below 2^53, and so is this "above every id". */
    private static final long ABOVE_EVERY_ID = 1L << 53;

    /** What a timeline holds below a cursor: the entries, the floor and the loader's meta. */
    record Cached(long floor, String meta, List<TweetRef> entries) {

        /** True when the entries are the timeline's page: a full page, or the set holds the whole timeline. */
        boolean answers(int limit) {
            return entries.size() == limit || floor == 0;
        }
    }

    private final SoftRedis redis;
    private final int capacity;
    private final long ttlSeconds;
    private final ObservationRegistry observations;

    SortedSetTimelines(SoftRedis redis, CacheSettings settings, ObservationRegistry observations) {
        this.redis = redis;
        this.observations = observations;
        this.capacity = settings.capacity();
        this.ttlSeconds = settings.ttl().toSeconds();
        redis.run(jedis -> SCRIPTS.forEach(script -> script.load(jedis)));
    }

    int capacity() {
        return capacity;
    }

    /**
     * A page of each timeline: for each key, what it holds below the cursor (null where the key is
     * not cached or being filled). Null when Redis did not answer.
     */
    List<Cached> page(List<String> keys, FeedCursor cursor, int limit) {
        String bound = cursor.before() >= ABOVE_EVERY_ID ? "+inf" : "(" + cursor.before();
        List<String> args = List.of(bound, Integer.toString(limit));
        @SuppressWarnings("unchecked")
        List<String> reply = redis.call(jedis -> (List<String>) PAGE.run(jedis, keys, args), () -> null);
        if (reply == null) {
            return null;
        }
        List<Cached> pages = new ArrayList<>(keys.size());
        int at = 0;
        for (int k = 0; k < keys.size(); k++) {
            String marker = reply.get(at);
            int count = Integer.parseInt(reply.get(at + 1));
            at += 2;
            List<TweetRef> entries = reply.subList(at, at + count).stream().map(TimelineKeys::parse).toList();
            at += count;
            pages.add(marker.isEmpty() ? null : cached(marker, entries));
        }
        return pages;
    }

    /** "!ok|{floor}|{meta}" */
    private static Cached cached(String marker, List<TweetRef> entries) {
        int bar = marker.indexOf('|', 4);
        return new Cached(Long.parseLong(marker, 4, bar, 10), marker.substring(bar + 1), entries);
    }

    /** Claims an absent timeline for a fill from PostgreSQL; the token, or null if cached, being filled, or Redis failed. */
    String claim(String key) {
        String token = UUID.randomUUID().toString();
        Object claimed = redis.call(jedis -> CLAIM.run(jedis, List.of(key), List.of(token, Integer.toString(CLAIM_SECONDS))),
                () -> 0L);
        return Long.valueOf(1).equals(claimed) ? token : null;
    }

    /**
     * Fills a claimed timeline with its newest entries loaded from PostgreSQL (newest first, at most
     * the capacity; {@code whole} when they are all there is); merges the pushes that came meanwhile.
     * Does nothing if the claim was taken back (an invalidation or a removal deleted the key).
     */
    boolean fill(String key, String token, List<TweetRef> newest, boolean whole, String meta) {
        String floor = whole || newest.isEmpty() ? "0" : Long.toString(newest.get(newest.size() - 1).tweetId());
        List<String> args = new ArrayList<>(5 + 2 * newest.size());
        args.addAll(List.of(token, Integer.toString(capacity), Long.toString(ttlSeconds), floor, meta));
        for (TweetRef ref : newest) {
            args.add(Long.toString(ref.tweetId()));
            args.add(TimelineKeys.member(ref));
        }
        Object filled = redis.call(jedis -> FILL.run(jedis, List.of(key), args), () -> 0L);
        return Long.valueOf(1).equals(filled);
    }

    void abandon(String key, String token) {
        redis.run(jedis -> ABANDON.run(jedis, List.of(key), List.of(token)));
    }

    /** Adds an entry to those of these timelines that are cached and keep its place. */
    void push(TweetRef entry, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<String> args = List.of(TimelineKeys.member(entry), Long.toString(entry.tweetId()), Integer.toString(capacity));
        Observation.createNotStarted("twitter.cache.push", observations)
                .contextualName("redis push")
                .highCardinalityKeyValue("twitter.timelines", Integer.toString(keys.size()))
                .highCardinalityKeyValue("twitter.tweet", Long.toString(entry.tweetId()))
                .observe(() -> redis.run(jedis -> PUSH.run(jedis, keys, args)));
    }

    /** Takes an entry out of these timelines. */
    void remove(TweetRef entry, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        redis.run(jedis -> REMOVE.run(jedis, keys, List.of(TimelineKeys.member(entry))));
    }

    /** Drops these timelines: they changed in a way only a new load from PostgreSQL gets right. */
    void invalidate(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        redis.run(jedis -> jedis.unlink(keys.toArray(String[]::new)));
    }
}
