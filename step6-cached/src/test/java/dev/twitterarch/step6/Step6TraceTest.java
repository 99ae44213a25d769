package dev.twitterarch.step6;

import dev.twitterarch.common.testing.TraceContract;

/** One trace per tweet on step 6: step 5's, plus each batch's Redis push after its commit. */
class Step6TraceTest extends TraceContract {

    @Override
    protected boolean pushesToRedis() {
        return true;
    }
}
