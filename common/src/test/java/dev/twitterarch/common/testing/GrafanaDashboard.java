package dev.twitterarch.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The provisioned Grafana dashboard (docker/grafana/dashboards/twitter-arch.json), as the tests read it. */
public final class GrafanaDashboard {

    /** The series a step exports itself; {@code up} and {@code rabbitmq_*} come from Prometheus and RabbitMQ. */
    private static final Pattern STEP_SERIES = Pattern.compile("\\b(?:twitter|http_server)_[a-z_]+\\b");

    private GrafanaDashboard() {
    }

    /** Every step-exported series name that some panel's query reads. */
    public static Set<String> stepSeries() {
        Path file = Path.of("..", "docker", "grafana", "dashboards", "twitter-arch.json"); // tests run in the module's folder
        Set<String> names = new TreeSet<>();
        try {
            JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(file));
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    Matcher series = STEP_SERIES.matcher(target.path("expr").asString(""));
                    while (series.find()) {
                        names.add(series.group());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
        return names;
    }

    /** The series names in a Prometheus text page. */
    public static Set<String> seriesIn(String prometheusText) {
        Set<String> names = new TreeSet<>();
        for (String line : prometheusText.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }
}
