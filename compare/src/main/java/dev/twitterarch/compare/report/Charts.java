package dev.twitterarch.compare.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The report's charts, drawn by Chart.js (from its WebJar) in the reader's browser: each chart is a
 * canvas that carries its Chart.js configuration, and the page inlines Chart.js itself, so it works
 * offline. A missing value (NaN, or not above zero on a log axis) is left out, never drawn as zero.
 */
final class Charts {

    static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f", "#bab0ac"};

    private static final ObjectMapper JSON = new ObjectMapper();

    private Charts() {
    }

    /** Grouped bars: one group per category, one bar per series in each group. {@code values[series][category]}. */
    static String bars(String title, String unit, List<String> categories, List<String> series, double[][] values, boolean log) {
        return canvas("bar", title, unit, categories, series, values, log);
    }

    /** Lines: one per series over the categories on the x axis. {@code values[series][category]}. */
    static String lines(String title, String unit, List<String> categories, List<String> series, double[][] values, boolean log) {
        return canvas("line", title, unit, categories, series, values, log);
    }

    /** Chart.js, and the lines that draw every chart on the page with it. */
    static String script() {
        String webjar = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
        Properties pom = new Properties();
        try (InputStream in = resource(webjar)) {
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String library;
        try (InputStream in = resource("META-INF/resources/webjars/chart.js/" + pom.getProperty("version") + "/dist/chart.umd.min.js")) {
            // its source map is not shipped with the page: nothing to fetch
            library = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("//# sourceMappingURL=\\S+", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "<script>" + library + "</script>\n"
                + "<script>document.querySelectorAll('canvas[data-chart]').forEach(c => new Chart(c, JSON.parse(c.dataset.chart)));</script>\n";
    }

    private static String canvas(String type, String title, String unit, List<String> categories, List<String> series,
                                 double[][] values, boolean log) {
        List<Map<String, Object>> datasets = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            List<Double> data = new ArrayList<>();
            for (double v : values[s]) {
                data.add(Double.isNaN(v) || Double.isInfinite(v) || (log ? v <= 0 : v < 0) ? null : v);
            }
            datasets.add(Map.of("label", series.get(s), "data", data, "backgroundColor", COLORS[s % COLORS.length],
                    "borderColor", COLORS[s % COLORS.length], "spanGaps", true));
        }
        Map<String, Object> yAxis = new LinkedHashMap<>();
        yAxis.put("type", log ? "logarithmic" : "linear");
        yAxis.put("title", Map.of("display", true, "text", unit + (log ? " (log scale)" : "")));
        Map<String, Object> chart = Map.of("type", type,
                "data", Map.of("labels", categories, "datasets", datasets),
                "options", Map.of("animation", false, "responsive", false,
                        "plugins", Map.of("title", Map.of("display", true, "text", title)),
                        "scales", Map.of("y", yAxis)));
        try {
            return "<canvas width=\"560\" height=\"300\" role=\"img\" aria-label=\"" + escape(title) + "\" data-chart=\""
                    + escape(JSON.writeValueAsString(chart)) + "\"></canvas>";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = Charts.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("not on the classpath: " + path + " (the org.webjars.npm:chart.js dependency)");
        }
        return in;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
