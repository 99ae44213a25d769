package dev.twitterarch.common.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The contract's home feed, in memory: own tweets plus followees' tweets, newest (largest id) first.
 * Thread-safe, for the concurrent model test: each user's tweets and follows are changed by one thread only.
 */
final class FeedModel {

    private final Map<Long, Set<Long>> following = new HashMap<>();
    private final Map<Long, List<Long>> tweets = new HashMap<>();

    synchronized void addUser(long user) {
        following.put(user, new HashSet<>());
        tweets.put(user, new ArrayList<>());
    }

    synchronized void tweet(long author, long tweet) {
        tweets.get(author).add(tweet);
    }

    synchronized void delete(long author, long tweet) {
        tweets.get(author).remove(Long.valueOf(tweet));
    }

    synchronized void follow(long follower, long followee) {
        following.get(follower).add(followee);
    }

    synchronized void unfollow(long follower, long followee) {
        following.get(follower).remove(followee);
    }

    synchronized boolean follows(long follower, long followee) {
        return following.get(follower).contains(followee);
    }

    synchronized List<Long> tweetsOf(long author) {
        return List.copyOf(tweets.get(author));
    }

    synchronized List<Long> feedOf(long user) {
        List<Long> feed = new ArrayList<>(tweets.get(user));
        following.get(user).forEach(followee -> feed.addAll(tweets.get(followee)));
        feed.sort(Comparator.reverseOrder());
        return feed;
    }
}
