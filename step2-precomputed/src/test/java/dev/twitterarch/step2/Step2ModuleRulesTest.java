package dev.twitterarch.step2;

import dev.twitterarch.common.testing.ModuleRules;

/** Step 2's code uses common and step 1 only (see {@link ModuleRules}). */
class Step2ModuleRulesTest extends ModuleRules {
}
