package dev.twitterarch.step3;

import org.springframework.beans.factory.annotation.Autowired;

import dev.twitterarch.common.testing.BrokerOutageTest;

/**
 * Step 3 without an outbox: while it knows RabbitMQ is gone it refuses posts (503, Retry-After);
 * what it loses is the events in flight when the broker went, each one counted.
 */
class Step3BrokerOutageTest extends BrokerOutageTest {

    @Autowired
    PublishAfterCommit events;

    @Override
    protected boolean lossless() {
        return false;
    }

    @Override
    protected long lostEventsCounted() {
        return events.lost();
    }
}
