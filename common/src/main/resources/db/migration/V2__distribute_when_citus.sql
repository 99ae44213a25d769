-- On Citus (docker compose) spread the tables over the workers; on plain PostgreSQL (tests, CI,
-- local services) this does nothing, so both run the same schema.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('users', 'id');
        PERFORM create_distributed_table('usernames', 'username_key');
        PERFORM create_distributed_table('tweets', 'user_id', colocate_with => 'users');
        PERFORM create_distributed_table('followers', 'user_id', colocate_with => 'users');
        PERFORM create_distributed_table('following', 'user_id', colocate_with => 'users');
    END IF;
END
$$;
