package dev.twitterarch.step5;

import dev.twitterarch.common.testing.BrokerOutageTest;

/** Step 5: the outbox holds every event while RabbitMQ is away; every post is accepted and fanned out, once. */
class Step5BrokerOutageTest extends BrokerOutageTest {

    @Override
    protected boolean lossless() {
        return true;
    }

    @Override
    protected long lostEventsCounted() {
        return 0;
    }
}
