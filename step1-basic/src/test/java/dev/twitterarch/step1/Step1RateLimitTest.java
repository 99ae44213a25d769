package dev.twitterarch.step1;

import dev.twitterarch.common.testing.RateLimitContract;

/** The rate limits on step 1 (common's, so one step checks them for all). */
class Step1RateLimitTest extends RateLimitContract {
}
