package dev.twitterarch.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Messages are JSON bodies; the AMQP {@code type} property names the record, so a message reads
 * plainly in the management UI and a worker knows what it got before parsing it.
 */
public final class MessageCodec {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    private final Map<String, Class<?>> types = new HashMap<>();

    public MessageCodec(List<Class<?>> messageTypes) {
        messageTypes.forEach(type -> types.put(type.getSimpleName(), type));
    }

    public static String typeOf(Object message) {
        return message.getClass().getSimpleName();
    }

    public byte[] encode(Object message) {
        return JSON.writeValueAsBytes(message);
    }

    /** Decodes a body, or throws {@link Unreadable}: such a message can never succeed and is dead-lettered at once. */
    public Object decode(String type, byte[] body) {
        Class<?> target = type == null ? null : types.get(type);
        if (target == null) {
            throw new Unreadable("unknown message type '" + type + "'");
        }
        try {
            return JSON.readValue(body, target);
        } catch (JacksonException e) {
            throw new Unreadable("unreadable " + type + ": " + e.getOriginalMessage());
        }
    }

    public static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message);
        }
    }
}
