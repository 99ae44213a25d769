package dev.twitterarch.step6;

import org.springframework.test.context.TestPropertySource;

import dev.twitterarch.common.testing.FeedContract;

/**
 * Step 6 against the shared contract with celebrities everywhere: an author followed by more than
 * 3 users is one, so the contract's authors cross the threshold up and down all the time (by the
 * random and the concurrent model tests' follows and unfollows), and every page still has to be
 * step 1's. A schema of its own: another cached context's outbox relay must not take these events.
 */
@TestPropertySource(properties = {"twitter.feed.celebrity-threshold=3", "twitter.schema=step6_celebrities"})
class Step6CelebrityFeedContractTest extends FeedContract {
}
