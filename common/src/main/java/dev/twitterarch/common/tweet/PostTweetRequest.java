package dev.twitterarch.common.tweet;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

record PostTweetRequest(@NotNull @NotBlank(message = "must not be empty") @TweetText String content) {
}
