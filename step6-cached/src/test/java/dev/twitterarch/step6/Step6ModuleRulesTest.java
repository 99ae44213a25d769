package dev.twitterarch.step6;

import dev.twitterarch.common.testing.ModuleRules;

/** Step 6's code uses common and step 5 only (see {@link ModuleRules}). */
class Step6ModuleRulesTest extends ModuleRules {
}
