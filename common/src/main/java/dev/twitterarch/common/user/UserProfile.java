package dev.twitterarch.common.user;

import java.time.OffsetDateTime;

/** A user as the API shows it, with the follow counts. */
public record UserProfile(long id, String username, String email, OffsetDateTime createdAt, long followersCount,
                          long followingCount) {
}
