package dev.twitterarch.compare.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgTest {

    @Test
    void barsAreWellFormedSvgAndMissingValuesAreLeftOut() throws Exception {
        String svg = Svg.bars("Read latency @10 users", "ms", List.of("step 1", "step 2"), List.of("p50", "p99"),
                new double[][] {{3, Double.NaN}, {40, 9}}, true);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertEquals(3 + 2, doc.getElementsByTagName("rect").getLength(), "three bars and two legend keys");
        assertTrue(svg.contains("(log scale)"));
    }

    @Test
    void linesEscapeTheirLabels() throws Exception {
        String svg = Svg.lines("a < b & c", "ms", List.of("10 followers", "100 followers"), List.of("step <1>"),
                new double[][] {{1.5, 250}}, false);
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertTrue(svg.contains("a &lt; b &amp; c"));
        assertTrue(svg.contains("<polyline"));
    }
}
