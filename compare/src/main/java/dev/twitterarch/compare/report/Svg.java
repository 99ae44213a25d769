package dev.twitterarch.compare.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for the report: grouped bars and lines, linear or logarithmic, no scripts and
 * nothing fetched, so the page works offline and prints. A missing value (NaN, or not above zero on
 * a log axis) is left out, never drawn as zero.
 */
public final class Svg {

    static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f", "#bab0ac"};

    private static final int WIDTH = 560;
    private static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 12;
    private static final int TOP = 34;
    private static final int BOTTOM = 62;

    private Svg() {
    }

    /** Bars: one group per category, one bar per series in each group. {@code values[series][category]}. */
    public static String bars(String title, String unit, List<String> categories, List<String> series, double[][] values, boolean log) {
        Axis axis = Axis.of(values, log);
        StringBuilder svg = open(title, unit, axis);
        double plotWidth = WIDTH - LEFT - RIGHT;
        double groupWidth = plotWidth / categories.size();
        double barWidth = groupWidth * 0.8 / series.size();
        for (int c = 0; c < categories.size(); c++) {
            double groupX = LEFT + c * groupWidth;
            for (int s = 0; s < series.size(); s++) {
                double v = values[s][c];
                if (!axis.drawable(v)) {
                    continue;
                }
                double y = axis.y(v);
                double x = groupX + groupWidth * 0.1 + s * barWidth;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %s %s</title></rect>%n",
                        x, y, Math.max(1, barWidth - 1), Math.max(0.5, axis.y(axis.floor()) - y), COLORS[s % COLORS.length],
                        escape(categories.get(c)), escape(series.get(s)), number(v), escape(unit)));
            }
            svg.append(label(groupX + groupWidth / 2, HEIGHT - BOTTOM + 16, categories.get(c)));
        }
        return close(svg, series);
    }

    /** Lines: one per series over the categories on the x axis. {@code values[series][category]}. */
    public static String lines(String title, String unit, List<String> categories, List<String> series, double[][] values, boolean log) {
        Axis axis = Axis.of(values, log);
        StringBuilder svg = open(title, unit, axis);
        double step = (WIDTH - LEFT - RIGHT) / (double) categories.size();
        for (int c = 0; c < categories.size(); c++) {
            svg.append(label(LEFT + step * (c + 0.5), HEIGHT - BOTTOM + 16, categories.get(c)));
        }
        for (int s = 0; s < series.size(); s++) {
            List<String> points = new ArrayList<>();
            StringBuilder dots = new StringBuilder();
            for (int c = 0; c < categories.size(); c++) {
                double v = values[s][c];
                if (!axis.drawable(v)) {
                    continue;
                }
                double x = LEFT + step * (c + 0.5);
                double y = axis.y(v);
                points.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s, %s: %s %s</title></circle>%n",
                        x, y, COLORS[s % COLORS.length], escape(series.get(s)), escape(categories.get(c)), number(v), escape(unit)));
            }
            if (points.size() > 1) {
                svg.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                        COLORS[s % COLORS.length], String.join(" ", points)));
            }
            svg.append(dots);
        }
        return close(svg, series);
    }

    private static StringBuilder open(String title, String unit, Axis axis) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT, escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", LEFT, escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s%s</text>%n",
                (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2, escape(unit), axis.log ? " (log scale)" : ""));
        for (double tick : axis.ticks()) {
            double y = axis.y(tick);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, WIDTH - RIGHT, y, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 4, y + 4, number(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, HEIGHT - BOTTOM));
        return svg;
    }

    private static String close(StringBuilder svg, List<String> series) {
        double x = LEFT;
        for (int s = 0; s < series.size(); s++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%d\">%s</text>%n", x, HEIGHT - 22, COLORS[s % COLORS.length], x + 13, HEIGHT - 13, escape(series.get(s))));
            x += 24 + 7.0 * series.get(s).length();
        }
        return svg.append("</svg>\n").toString();
    }

    private static String label(double x, double y, String text) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n", x, y, escape(text));
    }

    static String number(double v) {
        if (v >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The y axis: linear from zero, or log10 over whole decades. */
    private record Axis(boolean log, double min, double max) {

        static Axis of(double[][] values, boolean log) {
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (double[] row : values) {
                for (double v : row) {
                    if (!Double.isNaN(v) && !Double.isInfinite(v) && (!log || v > 0)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            if (hi <= 0) {
                return new Axis(log, log ? 1 : 0, log ? 10 : 1);
            }
            if (log) {
                double floor = Math.pow(10, Math.floor(Math.log10(lo)));
                double ceil = Math.pow(10, Math.ceil(Math.log10(hi)));
                return new Axis(true, floor, ceil > floor ? ceil : floor * 10);
            }
            double step = niceStep(hi / 5);
            return new Axis(false, 0, Math.ceil(hi / step) * step);
        }

        boolean drawable(double v) {
            return !Double.isNaN(v) && !Double.isInfinite(v) && (log ? v > 0 : v >= 0);
        }

        double floor() {
            return min;
        }

        double y(double v) {
            double top = TOP;
            double bottom = HEIGHT - BOTTOM;
            double f = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
            return bottom - f * (bottom - top);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                for (double t = min; t <= max * 1.0001; t *= 10) {
                    ticks.add(t);
                }
            } else {
                double step = niceStep(max / 5);
                for (double t = 0; t <= max * 1.0001; t += step) {
                    ticks.add(t);
                }
            }
            return ticks;
        }

        static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / magnitude;
            return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
        }
    }
}
