package dev.twitterarch.step5;

import dev.twitterarch.common.testing.TraceContract;

/** One trace per tweet on step 5: the POST, its outbox row, the relay, the dispatcher and each batch. */
class Step5TraceTest extends TraceContract {
}
