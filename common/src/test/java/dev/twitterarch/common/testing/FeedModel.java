package dev.twitterarch.common.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The contract's home feed, in memory: own tweets plus followees' tweets, newest (largest id) first. */
final class FeedModel {

    private final Map<Long, Set<Long>> following = new HashMap<>();
    private final Map<Long, List<Long>> tweets = new HashMap<>();

    void addUser(long user) {
        following.put(user, new HashSet<>());
        tweets.put(user, new ArrayList<>());
    }

    void tweet(long author, long tweet) {
        tweets.get(author).add(tweet);
    }

    void delete(long author, long tweet) {
        tweets.get(author).remove(Long.valueOf(tweet));
    }

    void follow(long follower, long followee) {
        following.get(follower).add(followee);
    }

    void unfollow(long follower, long followee) {
        following.get(follower).remove(followee);
    }

    boolean follows(long follower, long followee) {
        return following.get(follower).contains(followee);
    }

    List<Long> tweetsOf(long author) {
        return tweets.get(author);
    }

    List<Long> feedOf(long user) {
        List<Long> feed = new ArrayList<>(tweets.get(user));
        following.get(user).forEach(followee -> feed.addAll(tweets.get(followee)));
        feed.sort(Comparator.reverseOrder());
        return feed;
    }
}
