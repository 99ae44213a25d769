package dev.twitterarch.common.tweet;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.twitterarch.common.feed.TweetRef;

@Repository
public class TweetStore implements TweetHydrator {

    private final JdbcClient jdbc;

    TweetStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Tweet insert(long authorId, long id, String content) {
        return jdbc.sql("""
                        INSERT INTO tweets (user_id, id, content) VALUES (:author, :id, :content)
                        RETURNING user_id, id, content, created_at""")
                .param("author", authorId)
                .param("id", id)
                .param("content", content)
                .query(Tweet.class)
                .single();
    }

    /** By id alone: on Citus this asks every shard, which is fine for one tweet, never for a feed. */
    Optional<TweetView> find(long id) {
        return jdbc.sql("""
                        SELECT t.id, t.user_id, u.username, t.content, t.created_at
                        FROM tweets t JOIN users u ON u.id = t.user_id
                        WHERE t.id = :id""")
                .param("id", id)
                .query(TweetView.class)
                .optional();
    }

    /** Deletes the tweet if {@code authorId} wrote it; returns it, or empty when there was no such tweet of theirs. */
    Optional<Tweet> deleteOwn(long authorId, long id) {
        return jdbc.sql("""
                        DELETE FROM tweets WHERE user_id = :author AND id = :id
                        RETURNING user_id, id, content, created_at""")
                .param("author", authorId)
                .param("id", id)
                .query(Tweet.class)
                .optional();
    }

    /**
     * Hydrates feed entries with one query, in the order given. It looks tweets up by
     * (author, tweet) pairs so that on Citus each pair goes to its author's shard only.
     * Tweets deleted since the entry was read are left out.
     */
    @Override
    public List<TweetView> hydrate(List<TweetRef> refs) {
        if (refs.isEmpty()) {
            return List.of();
        }
        List<Object[]> pairs = refs.stream().map(ref -> new Object[] {ref.authorId(), ref.tweetId()}).toList();
        Map<Long, TweetView> byId = jdbc.sql("""
                        SELECT t.id, t.user_id, u.username, t.content, t.created_at
                        FROM tweets t JOIN users u ON u.id = t.user_id
                        WHERE (t.user_id, t.id) IN (:pairs)""")
                .param("pairs", pairs)
                .query(TweetView.class)
                .list()
                .stream()
                .collect(Collectors.toMap(TweetView::id, Function.identity()));
        return refs.stream().map(ref -> byId.get(ref.tweetId())).filter(view -> view != null).toList();
    }
}
