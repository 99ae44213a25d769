package dev.twitterarch.common;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * When a step cannot start, Spring's context first logs a warning holding every nested exception
 * message on one long line ("Exception encountered during context initialization"); then Spring
 * Boot reports the same failure, analyzed (APPLICATION FAILED TO START, see the project's failure
 * analyzers) or with its stack trace. That first warning only repeats the report, unreadably, so it
 * is dropped unless the context's logger is at DEBUG. {@link TwitterApplication} adds it; it runs
 * right after Spring Boot has set up logging.
 */
class StartupFailureLog implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    private static final String REPEATED = "Exception encountered during context initialization";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext logback && logback.getTurboFilterList().stream().noneMatch(Quiet.class::isInstance)) {
            logback.addTurboFilter(new Quiet());
        }
    }

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    private static final class Quiet extends TurboFilter {
        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
            if (level == Level.WARN && format != null && format.startsWith(REPEATED) && !logger.isDebugEnabled()) {
                return FilterReply.DENY;
            }
            return FilterReply.NEUTRAL;
        }
    }
}
