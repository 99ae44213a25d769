package dev.twitterarch.step2;

import dev.twitterarch.common.testing.TokenFeedContract;

/** Step 2's contract as a real client runs it: logged-in users with bearer tokens, X-User-ID not trusted. */
class Step2TokenFeedContractTest extends TokenFeedContract {
}
