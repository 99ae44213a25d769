package dev.twitterarch.common.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * The ERROR lines a test provokes on purpose (a poison message, a failure injected into a fan-out,
 * a service cut off) are part of what it checks, not noise on the console: while a test runs, this
 * extension takes the ERROR events of the named loggers off the console and keeps them, and the
 * test asserts that they came ({@link #assertLogged}); one INFO line after the test says how many
 * there were. Every other ERROR still reaches the console, so a green build prints none that no test
 * expected.
 *
 * <pre>
 * &#64;RegisterExtension
 * final ExpectedErrors errors = ExpectedErrors.from(QueueConsumer.class);
 * ...
 * errors.assertLogged("dead-lettering message");
 * </pre>
 *
 * A logback turbo filter, so it sees the event before any appender and on every thread (the
 * consumers log from their own); the loggers match by name prefix (a class or a package). Spring
 * Boot resets logback when the first application of a JVM starts, which drops every turbo filter:
 * a test that starts an application itself must keep Boot's logging system off it
 * ({@code LoggingSystem.NONE}), as {@code Step1CitusWithoutWorkersTest} does.
 */
public final class ExpectedErrors implements BeforeEachCallback, AfterEachCallback {

    private final List<String> loggers;
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Capture capture = new Capture();

    private ExpectedErrors(List<String> loggers) {
        this.loggers = loggers;
    }

    public static ExpectedErrors from(Class<?>... loggers) {
        return new ExpectedErrors(Arrays.stream(loggers).map(Class::getName).toList());
    }

    public static ExpectedErrors fromLoggers(String... names) {
        return new ExpectedErrors(List.of(names));
    }

    /** The ERROR messages of the named loggers in this test so far, each with its exception's class and message. */
    public List<String> logged() {
        return List.copyOf(logged);
    }

    /** Waits (up to 10 s: the consumers log from their own threads) until an ERROR containing {@code fragment} was logged. */
    public void assertLogged(String fragment) {
        Awaitility.await("an ERROR containing \"" + fragment + "\" from " + loggers).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> logged.stream().anyMatch(line -> line.contains(fragment)));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        logged.clear();
        LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
        capture.setContext(logback);
        capture.start();
        logback.addTurboFilter(capture);
    }

    /** Says, in one INFO line, how many ERROR lines were kept off the console, and the first of them. */
    @Override
    public void afterEach(ExtensionContext context) {
        LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
        logback.getTurboFilterList().remove(capture);
        capture.stop();
        if (!logged.isEmpty()) {
            LoggerFactory.getLogger(ExpectedErrors.class).info("kept {} error-level log line(s) of {} off the console, provoked by this test on purpose; the first: {}",
                    logged.size(), loggers, abbreviate(logged.get(0)));
        }
    }

    private static String abbreviate(String message) {
        String line = message.replaceAll("\\s+", " ");
        return line.length() <= 160 ? line : line.substring(0, 160) + "...";
    }

    private final class Capture extends TurboFilter {

        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
            if (level != Level.ERROR || format == null || loggers.stream().noneMatch(name -> logger.getName().startsWith(name))) {
                return FilterReply.NEUTRAL;
            }
            // with a throwable as the last argument of error(format, args...), logback passes t == null
            var message = t == null ? MessageFormatter.arrayFormat(format, params) : MessageFormatter.arrayFormat(format, params, t);
            Throwable cause = message.getThrowable();
            logged.add(message.getMessage() + (cause == null ? "" : " (" + cause + ")"));
            return FilterReply.DENY;
        }
    }
}
