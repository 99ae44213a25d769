package dev.twitterarch.compare.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

class ChartsTest {

    @Test
    void aChartIsACanvasWithItsChartJsConfigurationAndMissingValuesAreLeftOut() throws Exception {
        String canvas = Charts.bars("Read latency @10 users", "ms", List.of("step 1", "step 2"), List.of("p50", "p99"),
                new double[][] {{3, Double.NaN}, {40, 0}}, true);
        JsonNode chart = config(canvas);
        assertEquals("bar", chart.at("/type").asText());
        assertEquals("Read latency @10 users", chart.at("/options/plugins/title/text").asText());
        assertEquals("logarithmic", chart.at("/options/scales/y/type").asText());
        assertEquals("ms (log scale)", chart.at("/options/scales/y/title/text").asText());
        assertEquals("[\"step 1\",\"step 2\"]", chart.at("/data/labels").toString());
        assertEquals("[3.0,null]", chart.at("/data/datasets/0/data").toString());
        assertEquals("[40.0,null]", chart.at("/data/datasets/1/data").toString(), "zero has no place on a log axis");
    }

    @Test
    void labelsAreEscapedInTheAttribute() throws Exception {
        String canvas = Charts.lines("a < b & \"c\"", "ms", List.of("10 followers"), List.of("step <1>"), new double[][] {{1.5}}, false);
        assertFalse(canvas.contains("<b") || canvas.contains("& ") || canvas.contains("\"c\""), canvas);
        JsonNode chart = config(canvas);
        assertEquals("line", chart.at("/type").asText());
        assertEquals("a < b & \"c\"", chart.at("/options/plugins/title/text").asText());
        assertEquals("step <1>", chart.at("/data/datasets/0/label").asText());
        assertEquals("linear", chart.at("/options/scales/y/type").asText());
    }

    @Test
    void thePageCarriesChartJsItselfAndFetchesNothing() {
        String script = Charts.script();
        assertTrue(script.contains("Chart.js v4"), "Chart.js from its WebJar");
        assertFalse(script.contains("sourceMappingURL"));
        assertFalse(script.contains("<script src"));
    }

    private static JsonNode config(String canvas) throws Exception {
        Matcher m = Pattern.compile("data-chart=\"([^\"]*)\"").matcher(canvas);
        assertTrue(m.find(), canvas);
        String json = m.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        return new ObjectMapper().readTree(json);
    }
}
