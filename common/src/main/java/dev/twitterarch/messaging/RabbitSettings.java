package dev.twitterarch.messaging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Where RabbitMQ is, under Spring Boot's standard names ({@code spring.rabbitmq.*}); defaults are the local broker. */
@ConfigurationProperties("spring.rabbitmq")
public record RabbitSettings(@DefaultValue("localhost") String host, @DefaultValue("5672") int port,
                             @DefaultValue("guest") String username, @DefaultValue("guest") String password,
                             @DefaultValue("/") String virtualHost) {
}
