package dev.twitterarch.common.user;

import java.time.OffsetDateTime;

public record User(long id, String username, String email, OffsetDateTime createdAt) {
}
