package dev.twitterarch.step6;

import org.springframework.test.context.TestPropertySource;

import dev.twitterarch.common.testing.PageBrowserContract;

/**
 * The page on step 6 in Chromium: B's tweet reaches A's page live, over the WebSocket, with its
 * delivery lag shown (no poll, no click). A schema of its own, as every context with an outbox relay has.
 */
@TestPropertySource(properties = "twitter.schema=step6_page")
class Step6PageBrowserTest extends PageBrowserContract {

    @Override
    protected String mode() {
        return "live";
    }
}
