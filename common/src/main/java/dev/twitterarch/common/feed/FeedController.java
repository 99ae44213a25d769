package dev.twitterarch.common.feed;

import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.twitterarch.common.tweet.TweetHydrator;
import dev.twitterarch.common.tweet.TweetView;
import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.common.web.ActingUser;
import dev.twitterarch.common.web.ApiException;

@RestController
class FeedController {

    static final int MAX_LIMIT = 100;

    private final FeedStrategy feed;
    private final TweetHydrator tweets;
    private final UserStore users;

    FeedController(FeedStrategy feed, TweetHydrator tweets, UserStore users) {
        this.feed = feed;
        this.tweets = tweets;
        this.users = users;
    }

    @GetMapping(value = {"/api/feed", "/api/feed/"}, produces = MediaType.APPLICATION_JSON_VALUE)
    FeedPage feed(ActingUser user, @RequestParam(defaultValue = "20") int limit,
                  @RequestParam(required = false) String before) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("'limit' must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        FeedCursor cursor = FeedCursor.parse(before);
        List<TweetRef> refs = feed.read(user.id(), cursor, limit);
        if (refs.isEmpty()) {
            // only an empty page costs the existence check (a page with entries proves the user exists);
            // every empty page, not only the first: an unknown user with a cursor is no less unknown
            users.requireExists(user.id(), "user");
        }
        List<TweetView> items = tweets.hydrate(refs);
        String next = refs.size() == limit ? FeedCursor.after(refs.get(refs.size() - 1)).toString() : null;
        return new FeedPage(items, next);
    }
}
