package dev.twitterarch.compare.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String BEFORE = """
            # HELP twitter_fanout_lag_seconds from a tweet's creation to a batch of its feed rows committed
            # TYPE twitter_fanout_lag_seconds histogram
            twitter_fanout_lag_seconds_bucket{application="step5-production",step="step5",le="0.01"} 1
            twitter_fanout_lag_seconds_bucket{application="step5-production",step="step5",le="0.1"} 2
            twitter_fanout_lag_seconds_bucket{application="step5-production",step="step5",le="1.0"} 2
            twitter_fanout_lag_seconds_bucket{application="step5-production",step="step5",le="+Inf"} 2
            twitter_fanout_lag_seconds_count{application="step5-production",step="step5"} 2
            twitter_fanout_lag_seconds_sum{application="step5-production",step="step5"} 0.06
            twitter_fanout_lag_seconds_max{application="step5-production",step="step5"} 0.05
            twitter_fanout_lag_seconds_other 7
            """;
    private static final String AFTER = BEFORE.replace("le=\"0.1\"} 2", "le=\"0.1\"} 12").replace("le=\"1.0\"} 2", "le=\"1.0\"} 22")
            .replace("le=\"+Inf\"} 2", "le=\"+Inf\"} 22").replace("_count{application=\"step5-production\",step=\"step5\"} 2",
                    "_count{application=\"step5-production\",step=\"step5\"} 22")
            .replace("_sum{application=\"step5-production\",step=\"step5\"} 0.06", "_sum{application=\"step5-production\",step=\"step5\"} 6.06")
            .replace("_max{application=\"step5-production\",step=\"step5\"} 0.05", "_max{application=\"step5-production\",step=\"step5\"} 0.9");

    @Test
    void theDifferenceOfTwoScrapesDescribesWhatWasRecordedBetweenThem() {
        PrometheusText.Histogram h = PrometheusText.histogram(AFTER, "twitter_fanout_lag_seconds")
                .minus(PrometheusText.histogram(BEFORE, "twitter_fanout_lag_seconds"));
        assertEquals(20, h.count());
        assertEquals(0.3, h.mean(), 1e-9);
        assertEquals(0.1, h.quantileUpperBound(0.5));
        assertEquals(1.0, h.quantileUpperBound(0.99));
        assertEquals(0.9, h.max());
    }
}
