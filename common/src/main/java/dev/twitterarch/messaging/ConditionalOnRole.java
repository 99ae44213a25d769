package dev.twitterarch.messaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * A bean that belongs to one side of the process: {@code @ConditionalOnRole(Role.API)} for what
 * the API side runs (dispatchers, relays), {@code @ConditionalOnRole(Role.WORKER)} for workers.
 * A process with {@code twitter.messaging.role=both} (the default) runs both sides.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(ConditionalOnRole.OnRole.class)
public @interface ConditionalOnRole {

    Role value();

    class OnRole extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Role side = (Role) metadata.getAnnotationAttributes(ConditionalOnRole.class.getName()).get("value");
            Role role = Role.of(context.getEnvironment());
            String message = Role.PROPERTY + "=" + role.name().toLowerCase() + (role.plays(side) ? " plays " : " does not play ")
                    + "the " + side.name().toLowerCase() + " side";
            return role.plays(side) ? ConditionOutcome.match(message) : ConditionOutcome.noMatch(message);
        }
    }
}
