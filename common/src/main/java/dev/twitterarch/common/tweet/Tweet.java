package dev.twitterarch.common.tweet;

import java.time.OffsetDateTime;

/** A stored tweet. {@code userId} is the author (and the distribution column of the tweets table). */
public record Tweet(long userId, long id, String content, OffsetDateTime createdAt) {
}
