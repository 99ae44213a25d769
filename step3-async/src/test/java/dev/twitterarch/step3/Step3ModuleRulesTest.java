package dev.twitterarch.step3;

import dev.twitterarch.common.testing.ModuleRules;

/** Step 3's code uses common and step 2 only (see {@link ModuleRules}). */
class Step3ModuleRulesTest extends ModuleRules {
}
