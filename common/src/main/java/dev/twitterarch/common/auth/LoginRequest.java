package dev.twitterarch.common.auth;

import jakarta.validation.constraints.NotNull;

/** No format rules: a login only compares, and a wrong guess gets the same answer whatever its form. */
record LoginRequest(@NotNull String username, @NotNull String password) {
}
