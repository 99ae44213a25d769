package dev.twitterarch.step1;

import dev.twitterarch.common.testing.ModuleRules;

/** Step 1's code uses common only (see {@link ModuleRules}). */
class Step1ModuleRulesTest extends ModuleRules {
}
