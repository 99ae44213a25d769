-- Step 6: the celebrity hybrid. An author followed by more than twitter.feed.celebrity-threshold
-- users is listed here while they are one: their tweets are not fanned out, and each reader's page
-- merges the tweets of the celebrities they follow at read time. Rows come and go as follows and
-- unfollows cross the threshold (HybridFanOut decides, in their transactions, one author at a time).
CREATE TABLE celebrities (
    user_id bigint      PRIMARY KEY,
    since   timestamptz NOT NULL DEFAULT now()
);

-- On Citus a reference table: small, copied to every node, so that joining it with `following`
-- (distributed by the follower) stays on the follower's shard.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_reference_table('celebrities');
    END IF;
END
$$;
