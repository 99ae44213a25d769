package dev.twitterarch.step4;

import dev.twitterarch.common.testing.ModuleRules;

/** Step 4's code uses common and step 3 only (see {@link ModuleRules}). */
class Step4ModuleRulesTest extends ModuleRules {
}
