-- Step 4: how many messages each worker process handled, so GET /workers/status can show the
-- distribution even when the workers run as separate processes. A small table on the coordinator
-- (never distributed): each worker process updates its own row about once a second.
CREATE TABLE worker_stats (
    queue      text        NOT NULL,
    process    text        NOT NULL,
    handled    bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue, process)
);
