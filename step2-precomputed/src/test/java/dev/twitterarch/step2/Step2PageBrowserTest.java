package dev.twitterarch.step2;

import dev.twitterarch.common.testing.PageBrowserContract;

/** The page on step 2 in Chromium: B's tweet reaches A's page by polling (step 2 has no live delivery). */
class Step2PageBrowserTest extends PageBrowserContract {
}
