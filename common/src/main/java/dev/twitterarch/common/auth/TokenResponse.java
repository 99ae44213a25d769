package dev.twitterarch.common.auth;

/**
 * What a login answers, named as an OAuth 2 token response (RFC 6749 §5.1) plus who logged in.
 *
 * @param expiresIn seconds the token is valid for
 */
record TokenResponse(String accessToken, String tokenType, long expiresIn, long userId, String username) {
}
