-- Steps 5-6: the transactional outbox. A change that must be fanned out writes its event here in
-- its own transaction; a relay publishes the rows to RabbitMQ and deletes them once the broker has
-- confirmed. A crash between the commit and the publish leaves the row here, so nothing is lost.
-- One row per event, one column per fact (no JSON payload): which columns are set depends on the event.
CREATE TABLE outbox (
    id          bigint      PRIMARY KEY,
    event       text        NOT NULL CHECK (event IN ('TweetPosted', 'TweetDeleted', 'Followed', 'Unfollowed')),
    tweet_id    bigint,
    author_id   bigint,
    follower_id bigint,
    followee_id bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
);
