package dev.twitterarch.common.follow;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

record FollowRequest(@NotNull @Positive Long followeeId) {
}
