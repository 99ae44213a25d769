package dev.twitterarch.step3;

import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

import dev.twitterarch.common.testing.BrokerOutageTest;
import dev.twitterarch.common.testing.ExpectedErrors;

/**
 * Step 3 without an outbox: while it knows RabbitMQ is gone it refuses posts (503, Retry-After);
 * what it loses is the events in flight when the broker went, each one counted.
 */
class Step3BrokerOutageTest extends BrokerOutageTest {

    @Autowired
    PublishAfterCommit events;

    /** "fan-out lost: ..." at ERROR, once per event lost: what the test counts, kept off the console. */
    @RegisterExtension
    final ExpectedErrors lostFanOuts = ExpectedErrors.from(PublishAfterCommit.class);

    @Override
    protected List<String> lostEventLog() {
        return lostFanOuts.logged();
    }

    @Override
    protected boolean lossless() {
        return false;
    }

    @Override
    protected long lostEventsCounted() {
        return events.lost();
    }
}
