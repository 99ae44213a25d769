package dev.twitterarch.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Response times by request name, as Gatling measured them (the simulations save each response's
 * {@code responseTimeInMillis} and hand it here), plus the time window each name was sent in, so
 * the report can give per-stage percentiles and throughput. Gatling's own HTML report holds the same
 * numbers for a person; this is what the side-by-side report is computed from.
 */
public final class LatencyRecorder {

    private final Map<String, Series> series = new ConcurrentHashMap<>();
    private final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

    /** One response: {@code millis} is null when there was none (a timeout, a refused connection). */
    public void record(String name, String part, String stage, Integer millis, boolean ok) {
        series.computeIfAbsent(name, n -> new Series(part, stage)).add(millis, ok, System.currentTimeMillis());
    }

    /** Anything else a simulation measured (a settle time, a fan-out lag), written as is. */
    public void event(String kind, Map<String, ?> fields) {
        events.add(Records.line(kind, fields));
    }

    public void write(Path file) {
        List<String> lines = new ArrayList<>();
        series.forEach((name, s) -> lines.add(Records.line("request", s.summary(name))));
        lines.addAll(events);
        Records.append(file, lines);
    }

    /** The nearest-rank percentile of sorted values. */
    public static int percentile(int[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static final class Series {

        private final String part;
        private final String stage;
        private int[] ok = new int[1024];
        private int count;
        private int ko;
        private long firstStart = Long.MAX_VALUE;
        private long lastEnd;

        Series(String part, String stage) {
            this.part = part;
            this.stage = stage;
        }

        synchronized void add(Integer millis, boolean success, long now) {
            long took = millis == null ? 0 : millis;
            firstStart = Math.min(firstStart, now - took);
            lastEnd = Math.max(lastEnd, now);
            if (success && millis != null) {
                if (count == ok.length) {
                    ok = Arrays.copyOf(ok, count * 2);
                }
                ok[count++] = millis;
            } else {
                ko++;
            }
        }

        synchronized Map<String, Object> summary(String name) {
            int[] sorted = Arrays.copyOf(ok, count);
            Arrays.sort(sorted);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("name", name);
            fields.put("part", part);
            fields.put("stage", stage);
            fields.put("ok", count);
            fields.put("ko", ko);
            fields.put("min", count == 0 ? 0 : sorted[0]);
            fields.put("p50", percentile(sorted, 50));
            fields.put("p75", percentile(sorted, 75));
            fields.put("p95", percentile(sorted, 95));
            fields.put("p99", percentile(sorted, 99));
            fields.put("max", count == 0 ? 0 : sorted[count - 1]);
            fields.put("mean", count == 0 ? 0 : Arrays.stream(sorted).average().orElse(0));
            fields.put("start", firstStart == Long.MAX_VALUE ? 0 : firstStart);
            fields.put("end", lastEnd);
            return fields;
        }
    }
}
