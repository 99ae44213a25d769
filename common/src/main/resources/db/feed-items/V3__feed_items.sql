-- Steps 2-6 (their Flyway locations include db/feed-items; step 1 reads with a JOIN and has no such table).
-- The precomputed home feed : one row per (reader, tweet). No foreign key to tweets:
-- the reader's shard is not the author's shard, and Citus allows only colocated foreign keys.
CREATE TABLE feed_items (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tweet_id  bigint NOT NULL,
    author_id bigint NOT NULL,
    PRIMARY KEY (user_id, tweet_id)
);

-- On Citus, colocated with users (see V2).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('feed_items', 'user_id', colocate_with => 'users');
    END IF;
END
$$;
