package dev.twitterarch.common.web;

/**
 * The user a request acts as. Controllers take it as a parameter;
 * {@link dev.twitterarch.common.auth.ActingUserResolver} is the one place that decides who it is
 * (the bearer token's subject, or the {@code X-User-ID} header where that is trusted).
 */
public record ActingUser(long id) {
}
