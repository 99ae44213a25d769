package dev.twitterarch.common.web;

/**
 * The user a request acts as. Controllers take it as a parameter; {@link ActingUserResolver} is the
 * one place that decides who it is, so real authentication can replace the header later.
 */
public record ActingUser(long id) {
}
