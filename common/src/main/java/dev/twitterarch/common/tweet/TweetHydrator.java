package dev.twitterarch.common.tweet;

import java.util.List;

import dev.twitterarch.common.feed.TweetRef;

/**
 * Turns feed entries into tweets a client can show (author's username, content, time), keeping
 * their order and leaving out tweets deleted meanwhile. {@link TweetStore} does it with one batched
 * query; step 6 answers from Redis first.
 */
public interface TweetHydrator {

    List<TweetView> hydrate(List<TweetRef> refs);
}
