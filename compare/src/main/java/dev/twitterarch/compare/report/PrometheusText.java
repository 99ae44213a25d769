package dev.twitterarch.compare.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * Just enough of Prometheus' text format to read one histogram ({@code twitter_fanout_lag_seconds})
 * from two scrapes and describe what was recorded between them.
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** A histogram summed over its label sets: cumulative bucket counts by upper bound, count, sum, max. */
    public record Histogram(TreeMap<Double, Double> buckets, double count, double sum, double max) {

        /** What was recorded between {@code before} and this scrape (max is this scrape's recent max). */
        public Histogram minus(Histogram before) {
            TreeMap<Double, Double> delta = new TreeMap<>();
            buckets.forEach((le, n) -> delta.put(le, n - before.buckets.getOrDefault(le, 0.0)));
            return new Histogram(delta, count - before.count, sum - before.sum, max);
        }

        public double mean() {
            return count == 0 ? 0 : sum / count;
        }

        /** The upper bound of the first bucket that holds the quantile q (Prometheus' resolution: a bucket). */
        public double quantileUpperBound(double q) {
            double wanted = q * count;
            for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
                if (bucket.getValue() >= wanted) {
                    return bucket.getKey();
                }
            }
            return Double.POSITIVE_INFINITY;
        }
    }

    public static Histogram histogram(String text, String name) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        double count = 0;
        double sum = 0;
        double max = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String key = line.substring(0, space).trim();
            double value = parse(line.substring(space + 1).trim());
            String metric = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
            if (metric.equals(name + "_bucket")) {
                int le = key.indexOf("le=\"");
                String bound = key.substring(le + 4, key.indexOf('"', le + 4));
                buckets.merge(parse(bound), value, Double::sum);
            } else if (metric.equals(name + "_count")) {
                count += value;
            } else if (metric.equals(name + "_sum")) {
                sum += value;
            } else if (metric.equals(name + "_max")) {
                max = Math.max(max, value);
            }
        }
        return new Histogram(buckets, count, sum, max);
    }

    private static double parse(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
    }
}
