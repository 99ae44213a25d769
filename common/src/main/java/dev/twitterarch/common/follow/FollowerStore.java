package dev.twitterarch.common.follow;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** "Who follows X?": one indexed lookup on X's shard, for the steps that fan out follower by follower. */
@Repository
public class FollowerStore {

    private final JdbcClient jdbc;

    FollowerStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Long> followersOf(long userId) {
        return jdbc.sql("SELECT follower_id FROM followers WHERE user_id = :user ORDER BY follower_id")
                .param("user", userId)
                .query(Long.class)
                .list();
    }
}
