package dev.twitterarch.common.tweet;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.common.web.ApiException;

@Service
class TweetService {

    private final TweetStore tweets;
    private final UserStore users;
    private final SnowflakeIds ids;
    private final FeedStrategy feed;

    TweetService(TweetStore tweets, UserStore users, SnowflakeIds ids, FeedStrategy feed) {
        this.tweets = tweets;
        this.users = users;
        this.ids = ids;
        this.feed = feed;
    }

    /** The tweet and whatever the step writes for it commit together, or not at all. */
    @Transactional
    public Tweet post(long authorId, String content) {
        users.requireExists(authorId, "user");
        Tweet tweet = tweets.insert(authorId, ids.next(), content);
        feed.tweetPosted(tweet);
        return tweet;
    }

    @Transactional
    public void delete(long actingUserId, long tweetId) {
        Tweet deleted = tweets.deleteOwn(actingUserId, tweetId).orElseThrow(() -> refusal(actingUserId, tweetId));
        feed.tweetDeleted(deleted);
    }

    /** Why a delete removed nothing; an unknown acting user is told so first, as every other endpoint tells them. */
    private ApiException refusal(long actingUserId, long tweetId) {
        if (!users.exists(actingUserId)) {
            return ApiException.notFound("user " + actingUserId + " not found");
        }
        return tweets.find(tweetId).isPresent()
                ? ApiException.forbidden("tweet " + tweetId + " belongs to another user; only its author may delete it")
                : ApiException.notFound("tweet " + tweetId + " not found");
    }
}
