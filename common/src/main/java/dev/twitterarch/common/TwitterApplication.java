package dev.twitterarch.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.StandardEnvironment;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How every step starts: {@code --help} prints the step's {@code twitter.*} properties (from the
 * configuration metadata that Spring Boot's processor writes for the settings records) and exits;
 * an unknown {@code twitter.*} property (a misspelling, which Spring would ignore) fails start-up
 * with the valid names; then the application runs, with any listeners the step adds (the
 * asynchronous steps add the one that turns a worker process's web server off). A start-up failure
 * is reported once, as Spring Boot's failure analysis where the project knows the cause
 * ({@link StartupFailureLog}).
 */
public final class TwitterApplication {

    private TwitterApplication() {
    }

    public static ConfigurableApplicationContext run(Class<?> application, String[] args,
                                                     ApplicationListener<?>... listeners) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(help(application));
            return null;
        }
        SpringApplication spring = new SpringApplication(application);
        spring.addListeners(new UnknownPropertyCheck(), new StartupFailureLog());
        spring.addListeners(listeners);
        return spring.run(args);
    }

    /** A documented property of this step. */
    record Property(String name, String type, String defaultValue, String description) {
    }

    /** Every {@code twitter.*} property in the configuration metadata on the class path, by name. */
    static Map<String, Property> properties() {
        Map<String, Property> properties = new TreeMap<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (URL url : Collections.list(TwitterApplication.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        String name = property.path("name").asString("");
                        if (name.startsWith("twitter.")) {
                            properties.put(name, new Property(name, property.path("type").asString(""),
                                    property.path("defaultValue").isMissingNode() ? "" : property.path("defaultValue").asString(""),
                                    property.path("description").asString("").replaceAll("\\s+", " ")));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the configuration metadata", e);
        }
        return properties;
    }

    static String help(Class<?> application) {
        StringBuilder out = new StringBuilder("Usage: java -jar <step jar> [--property=value ...]\n\n" + application.getSimpleName()
                + " reads Spring Boot's standard properties (spring.datasource.*, spring.rabbitmq.*, server.port, ...)"
                + " and these of its own:\n\n");
        properties().values().forEach(property -> out.append(String.format("  --%s%s%n      %s%n", property.name(),
                property.defaultValue().isEmpty() ? "" : " (default " + property.defaultValue() + ")", property.description())));
        return out.toString();
    }

    /** Fails start-up on a {@code twitter.*} property that no settings record knows. */
    static final class UnknownPropertyCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            List<ConfigurationPropertyName> known = properties().keySet().stream().map(ConfigurationPropertyName::of).toList();
            List<String> unknown = new ArrayList<>();
            event.getEnvironment().getPropertySources().forEach(source -> {
                // environment variables are other programs' business too (TWITTER_TEST_... of the tests)
                if (source instanceof EnumerablePropertySource<?> names
                        && !StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(source.getName())) {
                    for (String name : names.getPropertyNames()) {
                        if (name.startsWith("twitter.") && !isKnown(ConfigurationPropertyName.adapt(name, '.'), known)
                                && !unknown.contains(name)) {
                            unknown.add(name);
                        }
                    }
                }
            });
            if (!unknown.isEmpty()) {
                throw new UnknownProperties(unknown, properties().keySet());
            }
        }

        /** The name itself, or an entry below a map- or list-valued property. */
        private static boolean isKnown(ConfigurationPropertyName name, List<ConfigurationPropertyName> known) {
            return known.stream().anyMatch(property -> property.equals(name) || property.isAncestorOf(name));
        }
    }

    static final class UnknownProperties extends IllegalStateException {

        final List<String> unknown;
        final java.util.Set<String> valid;

        UnknownProperties(List<String> unknown, java.util.Set<String> valid) {
            super("unknown properties " + unknown);
            this.unknown = unknown;
            this.valid = valid;
        }

        /** Spring Boot's "APPLICATION FAILED TO START" report, with the valid names. */
        static class Analyzer extends AbstractFailureAnalyzer<UnknownProperties> {

            @Override
            protected FailureAnalysis analyze(Throwable rootFailure, UnknownProperties cause) {
                return new FailureAnalysis("Unknown twitter.* propert" + (cause.unknown.size() == 1 ? "y: " : "ies: ")
                        + String.join(", ", cause.unknown) + " (misspelt? Spring would silently ignore it).",
                        "Use one of: " + String.join(", ", cause.valid) + " (or run the jar with --help).", cause);
            }
        }
    }
}
