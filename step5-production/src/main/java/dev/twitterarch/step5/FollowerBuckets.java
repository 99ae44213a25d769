package dev.twitterarch.step5;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How the dispatcher groups followers into batches, and so which worker queue a batch goes to (the
 * bucket is the routing key on the consistent-hash exchange). Every message about one follower has
 * the same bucket, so it reaches one worker, in order.
 */
public interface FollowerBuckets {

    /** Each follower's bucket. */
    Map<Long, Integer> of(Collection<Long> followerIds);

    default int of(long followerId) {
        return of(List.of(followerId)).get(followerId);
    }

    /**
     * Plain PostgreSQL: {@code buckets} buckets by a hash of the follower id. Snowflake ids are far
     * from uniform in their low bits (the sequence is mostly 0), so a plain {@code id % buckets}
     * would fill a few buckets only: the id is mixed first (the SplitMix64 finalizer).
     */
    static FollowerBuckets hashed(int buckets) {
        return followers -> followers.stream().distinct().collect(Collectors.toMap(id -> id, id -> {
            long z = id;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z = z ^ (z >>> 31);
            return (int) Math.floorMod(z, (long) buckets);
        }, (a, b) -> a, LinkedHashMap::new));
    }

    /**
     * Citus: route work by shard. The bucket is the shard of {@code feed_items} that holds the
     * follower's feed rows (Citus's own function says which), so every batch writes into one shard,
     * and, since a bucket always lands on the same worker queue, every shard is written by one
     * worker only. Batches that each locked many shards, taken in different orders by four
     * workers, deadlocked; these cannot. One query on the coordinator's metadata per fan-out.
     */
    static FollowerBuckets byShard(JdbcClient jdbc) {
        return followers -> {
            Map<Long, Integer> shards = new LinkedHashMap<>();
            if (followers.isEmpty()) {
                return shards;
            }
            String ids = followers.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
            jdbc.sql("SELECT id, get_shard_id_for_distribution_column('feed_items', id)::int AS shard FROM unnest(:ids::bigint[]) AS id")
                    .param("ids", ids)
                    .query((rs, row) -> shards.put(rs.getLong("id"), rs.getInt("shard")))
                    .list();
            return shards;
        };
    }
}
