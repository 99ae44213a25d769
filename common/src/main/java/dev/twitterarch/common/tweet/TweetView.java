package dev.twitterarch.common.tweet;

import java.time.OffsetDateTime;

/** A tweet as the API shows it, in a feed or alone: hydrated with its author's username. */
public record TweetView(long id, long userId, String username, String content, OffsetDateTime createdAt) {
}
