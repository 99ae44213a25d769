package dev.twitterarch.common.tweet;

import jakarta.validation.constraints.NotNull;

/** {@link TweetText} decides what empty means (not {@code @NotBlank}, which lets no-break spaces through). */
record PostTweetRequest(@NotNull @TweetText String content) {
}
