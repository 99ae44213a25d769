package dev.twitterarch.messaging;

/** RabbitMQ did not answer when the process started: it cannot run without its broker. */
public class BrokerUnreachableException extends IllegalStateException {

    private final RabbitSettings settings;

    BrokerUnreachableException(RabbitSettings settings, Exception cause) {
        super("cannot connect to RabbitMQ at " + settings.host() + ":" + settings.port() + " (spring.rabbitmq.*): "
                + describe(cause), cause);
        this.settings = settings;
    }

    public RabbitSettings settings() {
        return settings;
    }

    private static String describe(Exception cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
