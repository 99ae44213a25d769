package dev.twitterarch.messaging;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * What a process of an asynchronous step does ({@code twitter.messaging.role}): the same jar runs
 * as the API (with the dispatching that belongs to it), as workers only, or as both (the default),
 * as the original ran {@code api.py} and {@code worker.py 0..3} side by side.
 */
public enum Role {
    API, WORKER, BOTH;

    public static final String PROPERTY = "twitter.messaging.role";

    /** True when a process of this role plays {@code side} ({@code both} plays either). */
    public boolean plays(Role side) {
        return this == BOTH || this == side;
    }

    /** The role in this environment, bound as Spring binds enums (so {@code worker} and {@code WORKER} both work). */
    public static Role of(Environment environment) {
        return Binder.get(environment).bind(PROPERTY, Role.class).orElse(BOTH);
    }
}
