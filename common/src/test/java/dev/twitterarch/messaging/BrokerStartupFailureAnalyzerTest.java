package dev.twitterarch.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;

import dev.twitterarch.common.testing.TestServices;

/**
 * What the start-up failure analysis says about RabbitMQ refusing the topology, with the broker's
 * own refusals (a queue declared with other arguments, an exchange type the broker does not know)
 * and, for the missing consistent-hash plugin (which cannot be disabled on a shared broker), the
 * refusal as the broker words it.
 */
class BrokerStartupFailureAnalyzerTest {

    private final BrokerStartupFailureAnalyzer analyzer = new BrokerStartupFailureAnalyzer();

    @Test
    void aQueueWithOtherArgumentsSaysWhichAndHowToGetRidOfIt() throws Exception {
        Topology topology = new Topology(TestServices.newQueuePrefix());
        FailureAnalysis analysis;
        try (Connection connection = TestServices.rabbitmq().connectionFactory().newConnection("analyzer-test")) {
            try (Channel classic = connection.createChannel()) {
                classic.queueDeclare(topology.fanOutQueue(), true, false, false, null);
            }
            Channel channel = connection.createChannel();
            Topology.DeclarationFailed failure = declare(() -> topology.declareEvents(channel));
            analysis = analyzer.analyze(new IllegalStateException("bean creation failed", failure));
            try (Channel cleanup = connection.createChannel()) {
                cleanup.queueDelete(topology.fanOutQueue());
                cleanup.queueDelete(topology.deadLetterQueue());
                cleanup.exchangeDelete(topology.eventsExchange());
                cleanup.exchangeDelete(topology.deadLetterExchange());
            }
        }
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("RabbitMQ already has a queue '" + topology.fanOutQueue() + "'",
                "inequivalent arg", "earlier version of this project");
        assertThat(analysis.getAction()).contains("rabbitmqctl delete_queue " + topology.fanOutQueue(), "--twitter.reset-on-start=true",
                "twitter.messaging.prefix");
    }

    @Test
    void anExchangeTypeTheBrokerDoesNotKnowNamesThePluginToEnable() throws Exception {
        Topology topology = new Topology(TestServices.newQueuePrefix());
        // the broker answers with a connection error: it closes the whole connection
        Connection connection = TestServices.rabbitmq().connectionFactory().newConnection("analyzer-test");
        FailureAnalysis analysis;
        try {
            Channel channel = connection.createChannel();
            Topology.DeclarationFailed failure = declare(() -> topology.declare(channel,
                    ch -> ch.exchangeDeclare(topology.name("unknown"), "x-no-such-type", true)));
            assertThat(failure.replyCode()).as("reply code of the refusal").isEqualTo(503);
            analysis = analyzer.analyze(failure);
        } finally {
            connection.abort();
        }
        assertThat(analysis.getDescription()).contains("RabbitMQ does not know the exchange type 'x-no-such-type'");
        assertThat(analysis.getAction()).contains("rabbitmq-plugins enable");
    }

    @Test
    void theMissingConsistentHashPluginIsNamed() {
        AMQP.Connection.Close refusal = new AMQImpl.Connection.Close(503,
                "COMMAND_INVALID - unknown exchange type 'x-consistent-hash'", 40, 10);
        IOException cause = new IOException(new ShutdownSignalException(true, false, refusal, null));
        FailureAnalysis analysis = analyzer.analyze(new Topology.DeclarationFailed("declaring the RabbitMQ topology", cause));
        assertThat(analysis.getDescription()).contains("RabbitMQ does not know the exchange type 'x-consistent-hash'");
        assertThat(analysis.getAction()).contains("rabbitmq-plugins enable rabbitmq_consistent_hash_exchange");
    }

    @Test
    void otherFailuresAreLeftToOtherAnalyzers() {
        assertThat(analyzer.analyze(new IllegalStateException("something else"))).isNull();
    }

    private static Topology.DeclarationFailed declare(Runnable declaration) {
        try {
            declaration.run();
        } catch (Topology.DeclarationFailed failure) {
            return failure;
        }
        throw new AssertionError("the broker accepted the declaration");
    }
}
