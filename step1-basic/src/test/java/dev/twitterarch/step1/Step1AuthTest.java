package dev.twitterarch.step1;

import dev.twitterarch.common.testing.AuthContract;

/** Login and bearer tokens on step 1 (common's, so one step checks them for all). */
class Step1AuthTest extends AuthContract {
}
