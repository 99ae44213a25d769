package dev.twitterarch.common.follow;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.common.web.ApiException;

/** Writes a follow on both sides' shards (followers, following) and tells the step, in one transaction. */
@Service
class FollowService {

    private final JdbcClient jdbc;
    private final UserStore users;
    private final FeedStrategy feed;

    FollowService(JdbcClient jdbc, UserStore users, FeedStrategy feed) {
        this.jdbc = jdbc;
        this.users = users;
        this.feed = feed;
    }

    @Transactional
    public Follow follow(long followerId, long followeeId) {
        if (followerId == followeeId) {
            throw ApiException.badRequest("'followee_id' is the acting user: a user cannot follow themselves");
        }
        users.requireExists(followerId, "user");
        users.requireExists(followeeId, "followee");
        int inserted = jdbc.sql("""
                        INSERT INTO followers (user_id, follower_id) VALUES (:followee, :follower)
                        ON CONFLICT DO NOTHING""")
                .param("followee", followeeId)
                .param("follower", followerId)
                .update();
        if (inserted == 0) {
            return new Follow(followerId, followeeId, false);
        }
        jdbc.sql("INSERT INTO following (user_id, followee_id) VALUES (:follower, :followee) ON CONFLICT DO NOTHING")
                .param("follower", followerId)
                .param("followee", followeeId)
                .update();
        feed.followed(followerId, followeeId);
        return new Follow(followerId, followeeId, true);
    }

    @Transactional
    public void unfollow(long followerId, long followeeId) {
        int deleted = jdbc.sql("DELETE FROM followers WHERE user_id = :followee AND follower_id = :follower")
                .param("followee", followeeId)
                .param("follower", followerId)
                .update();
        if (deleted == 0) {
            // the existence checks cost only on this path; they tell an unknown id from a missing follow
            users.requireExists(followerId, "user");
            users.requireExists(followeeId, "followee");
            throw ApiException.notFound("user " + followerId + " does not follow user " + followeeId);
        }
        jdbc.sql("DELETE FROM following WHERE user_id = :follower AND followee_id = :followee")
                .param("follower", followerId)
                .param("followee", followeeId)
                .update();
        feed.unfollowed(followerId, followeeId);
    }
}
