-- One schema for plain PostgreSQL and for Citus. Every table below that grows with users is
-- distributed by a user id (V2 does that when Citus is installed), so every primary key and unique
-- constraint contains that column: Citus can only enforce uniqueness inside one shard.
-- Ids come from the application (time-ordered Snowflake ids), never from a database sequence.

CREATE TABLE users (
    id         bigint      PRIMARY KEY,
    username   text        NOT NULL,
    email      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Username uniqueness cannot be a UNIQUE constraint on users (it would not contain users.id),
-- so usernames get a table of their own, distributed by the (lower-cased) username itself.
CREATE TABLE usernames (
    username_key text   PRIMARY KEY,
    user_id      bigint NOT NULL
);

CREATE TABLE tweets (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id         bigint      NOT NULL,
    content    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, id)
);

-- A follow is stored twice, once on each side's shard, so that both questions are one indexed
-- lookup on one shard:
--   followers (user_id = the followed account): "who follows X?"  -> fan-out on write
--   following (user_id = the follower):         "whom does U follow?" -> backfill, purges
CREATE TABLE followers (
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    follower_id bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, follower_id)
);
-- Step 1 reads "the tweets of everyone U follows" by joining tweets.user_id = followers.user_id
-- (both distribution columns, so Citus can run it shard by shard) filtered on follower_id.
CREATE INDEX followers_by_follower ON followers (follower_id, user_id);

CREATE TABLE following (
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, followee_id)
);
-- Purging a deleted tweet joins feed_items.user_id = following.user_id for one followee.
CREATE INDEX following_by_followee ON following (followee_id, user_id);
