package dev.twitterarch.common.feed;

import java.util.List;

import dev.twitterarch.common.tweet.TweetView;

/** One page of a home feed, newest first; {@code nextCursor} is null on the last page. */
public record FeedPage(List<TweetView> items, String nextCursor) {
}
