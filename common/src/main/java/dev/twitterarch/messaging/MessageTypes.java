package dev.twitterarch.messaging;

import java.util.List;

/** Message classes a step sends; the codec knows the union of all such beans. */
public record MessageTypes(List<Class<?>> types) {
}
