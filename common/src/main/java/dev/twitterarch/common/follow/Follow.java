package dev.twitterarch.common.follow;

/** The answer to a follow: {@code created} is false when the follow already existed (follow is idempotent). */
record Follow(long followerId, long followeeId, boolean created) {
}
