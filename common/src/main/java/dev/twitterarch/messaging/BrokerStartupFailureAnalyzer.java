package dev.twitterarch.messaging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;

/**
 * A step that cannot use RabbitMQ at start says so in one block (Spring Boot's "APPLICATION FAILED
 * TO START": what failed, what to do): the broker is unreachable or refuses the login, the
 * consistent-hash exchange plugin is not enabled, or a queue exists with other arguments (a classic
 * queue an earlier version of this project declared, another delivery limit or length limit). The
 * stack trace is logged at DEBUG. Registered in {@code META-INF/spring.factories}.
 */
class BrokerStartupFailureAnalyzer implements FailureAnalyzer, Ordered {

    /** The broker's words for an exchange type no plugin provides (a connection error, 503 COMMAND_INVALID). */
    private static final Pattern UNKNOWN_EXCHANGE_TYPE = Pattern.compile("(?:unknown|invalid) exchange type '([^']+)'");
    private static final Pattern INEQUIVALENT = Pattern.compile("inequivalent arg '([^']+)' for (queue|exchange) '([^']+)'");

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof BrokerUnreachableException unreachable) {
                return unreachable(unreachable, failure);
            }
            if (cause instanceof Topology.DeclarationFailed declaration) {
                return refused(declaration, failure);
            }
        }
        return null;
    }

    private static FailureAnalysis unreachable(BrokerUnreachableException e, Throwable failure) {
        RabbitSettings settings = e.settings();
        String where = "RabbitMQ at " + settings.host() + ":" + settings.port() + " (virtual host '" + settings.virtualHost()
                + "', user " + settings.username() + ")";
        Throwable cause = e.getCause();
        if (cause instanceof AuthenticationFailureException || cause instanceof PossibleAuthenticationFailureException) {
            return new FailureAnalysis(where + " refused the login: " + cause.getMessage(),
                    "Set spring.rabbitmq.username, spring.rabbitmq.password and spring.rabbitmq.virtual-host to an account the"
                            + " broker accepts.", failure);
        }
        return new FailureAnalysis(where + " is unreachable: " + (cause == null ? e.getMessage() : cause),
                "Start RabbitMQ (docker compose up -d, or a local broker: rabbitmq-server -detached), or point"
                        + " spring.rabbitmq.host and spring.rabbitmq.port at a running broker.", failure);
    }

    private static FailureAnalysis refused(Topology.DeclarationFailed e, Throwable failure) {
        String said = e.replyText();
        Matcher exchangeType = UNKNOWN_EXCHANGE_TYPE.matcher(said);
        if (exchangeType.find()) {
            String type = exchangeType.group(1);
            String plugin = type.equals("x-consistent-hash") ? "rabbitmq_consistent_hash_exchange" : "the plugin that provides it";
            return new FailureAnalysis("RabbitMQ does not know the exchange type '" + type + "': " + said,
                    "Enable " + plugin + " on the broker (rabbitmq-plugins enable " + plugin
                            + "; docker compose enables it already) and start again.", failure);
        }
        Matcher inequivalent = INEQUIVALENT.matcher(said);
        if (inequivalent.find()) {
            String kind = inequivalent.group(2);
            String name = inequivalent.group(3);
            return new FailureAnalysis("RabbitMQ already has a " + kind + " '" + name + "' declared with other arguments: " + said
                            + ". It was declared by an earlier version of this project (work queues are quorum queues now)"
                            + " or with other settings (twitter.messaging.delivery-limit, max-queue-length).",
                    "Delete it (rabbitmqctl delete_" + kind + " " + name + "; its messages go with it), or start with"
                            + " --twitter.reset-on-start=true (what the demos do: the step's schema and queues start empty),"
                            + " or use other names (twitter.messaging.prefix).", failure);
        }
        if (e.replyCode() == 403) {
            return new FailureAnalysis("RabbitMQ refused the declaration of the step's topology: " + said,
                    "Give the user spring.rabbitmq.username configure, write and read permissions on the virtual host"
                            + " (rabbitmqctl set_permissions).", failure);
        }
        return new FailureAnalysis("RabbitMQ refused the declaration of the step's topology: " + said,
                "Check the broker's log for the reason; the step declares its exchanges and queues at every start.", failure);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
