package dev.twitterarch.step5;

import dev.twitterarch.common.testing.ModuleRules;

/** Step 5's code uses common and step 4 only (see {@link ModuleRules}). */
class Step5ModuleRulesTest extends ModuleRules {
}
