package dev.twitterarch.common.user;

import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.web.ApiException;

@Repository
public class UserStore {

    private final JdbcClient jdbc;
    private final SnowflakeIds ids;

    UserStore(JdbcClient jdbc, SnowflakeIds ids) {
        this.jdbc = jdbc;
        this.ids = ids;
    }

    /**
     * Claims the username first: the claim is the uniqueness check, atomic even under concurrent sign-ups.
     *
     * @param passwordHash the encoded password ({@code {bcrypt}...}), or null for a user who cannot log in
     */
    @Transactional
    public User create(String username, String email, String passwordHash) {
        long id = ids.next();
        int claimed = jdbc.sql("""
                        INSERT INTO usernames (username_key, user_id) VALUES (:key, :id)
                        ON CONFLICT (username_key) DO NOTHING""")
                .param("key", username.toLowerCase(Locale.ROOT))
                .param("id", id)
                .update();
        if (claimed == 0) {
            throw ApiException.conflict("username '" + username + "' is already taken");
        }
        return jdbc.sql("""
                        INSERT INTO users (id, username, email, password_hash) VALUES (:id, :username, :email, :hash)
                        RETURNING id, username, email, created_at""")
                .param("id", id)
                .param("username", username)
                .param("email", email)
                .param("hash", passwordHash)
                .query(User.class)
                .single();
    }

    public Optional<UserProfile> profile(long id) {
        return jdbc.sql("""
                        SELECT u.id, u.username, u.email, u.created_at,
                               (SELECT count(*) FROM followers f WHERE f.user_id = u.id) AS followers_count,
                               (SELECT count(*) FROM following f WHERE f.user_id = u.id) AS following_count
                        FROM users u WHERE u.id = :id""")
                .param("id", id)
                .query(UserProfile.class)
                .optional();
    }

    /** The id a username (in any case) belongs to. */
    public Optional<Long> idOf(String username) {
        // usernames is distributed by the name and users by the id: two single-shard lookups, not a join
        return jdbc.sql("SELECT user_id FROM usernames WHERE username_key = :key")
                .param("key", username.toLowerCase(Locale.ROOT))
                .query(Long.class)
                .optional();
    }

    /** What a login checks: the user's id, their username as written at sign-up, and the password hash (null: none). */
    public record Credentials(long id, String username, String passwordHash) {
    }

    public Optional<Credentials> credentials(String username) {
        return idOf(username).flatMap(id -> jdbc.sql("SELECT id, username, password_hash FROM users WHERE id = :id")
                .param("id", id)
                .query(Credentials.class)
                .optional());
    }

    public boolean exists(long id) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM users WHERE id = :id)").param("id", id).query(Boolean.class).single();
    }

    /** Throws the API's 404 unless the user exists; {@code role} says which id in the request was wrong. */
    public void requireExists(long id, String role) {
        if (!exists(id)) {
            throw ApiException.notFound(role + " " + id + " not found");
        }
    }
}
