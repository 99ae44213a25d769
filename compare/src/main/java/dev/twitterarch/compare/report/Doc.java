package dev.twitterarch.compare.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The report as a list of blocks, written twice: as Markdown (report.md) and as one self-contained
 * HTML page (index.html, with the charts inline). Both come from the same blocks, so they always
 * hold the same tables.
 */
final class Doc {

    private interface Block {
    }

    private record Heading(int level, String text) implements Block {
    }

    /** Text with [label](href) links and `code`; nothing else is interpreted. */
    private record Paragraph(String text) implements Block {
    }

    record Table(List<String> header, List<List<String>> rows) implements Block {
    }

    private record Chart(String svg) implements Block {
    }

    private record Bullets(List<String> items) implements Block {
    }

    private final List<Block> blocks = new ArrayList<>();

    Doc heading(int level, String text) {
        blocks.add(new Heading(level, text));
        return this;
    }

    Doc paragraph(String text) {
        blocks.add(new Paragraph(text));
        return this;
    }

    Doc bullets(List<String> items) {
        blocks.add(new Bullets(items));
        return this;
    }

    Doc table(List<String> header, List<List<String>> rows) {
        blocks.add(new Table(header, rows));
        return this;
    }

    /** HTML only: Markdown readers get the tables the charts are drawn from. */
    Doc chart(String svg) {
        blocks.add(new Chart(svg));
        return this;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        for (Block block : blocks) {
            if (block instanceof Heading h) {
                md.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
            } else if (block instanceof Paragraph p) {
                md.append(p.text()).append("\n\n");
            } else if (block instanceof Bullets b) {
                b.items().forEach(item -> md.append("- ").append(item).append('\n'));
                md.append('\n');
            } else if (block instanceof Table t) {
                md.append("| ").append(String.join(" | ", t.header())).append(" |\n");
                md.append("|").append("---|".repeat(t.header().size())).append('\n');
                for (List<String> row : t.rows()) {
                    md.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    String html(String title) {
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <style>
                body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
                h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}h3{margin-top:1.4em}
                table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}
                th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right;vertical-align:top}
                th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
                code{background:#f3f3f3;padding:0 .2em}
                .charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{border:1px solid #eee;background:#fff}
                </style></head><body>
                """.formatted(Svg.escape(title)));
        boolean inCharts = false;
        for (Block block : blocks) {
            if (block instanceof Chart c) {
                if (!inCharts) {
                    html.append("<div class=\"charts\">\n");
                    inCharts = true;
                }
                html.append(c.svg());
                continue;
            }
            if (inCharts) {
                html.append("</div>\n");
                inCharts = false;
            }
            if (block instanceof Heading h) {
                html.append("<h").append(h.level()).append('>').append(inline(h.text())).append("</h").append(h.level()).append(">\n");
            } else if (block instanceof Paragraph p) {
                html.append("<p>").append(inline(p.text())).append("</p>\n");
            } else if (block instanceof Bullets b) {
                html.append("<ul>\n");
                b.items().forEach(item -> html.append("<li>").append(inline(item)).append("</li>\n"));
                html.append("</ul>\n");
            } else if (block instanceof Table t) {
                html.append("<table>\n<tr>");
                t.header().forEach(h -> html.append("<th>").append(inline(h)).append("</th>"));
                html.append("</tr>\n");
                for (List<String> row : t.rows()) {
                    html.append("<tr>");
                    row.forEach(cell -> html.append("<td>").append(inline(cell)).append("</td>"));
                    html.append("</tr>\n");
                }
                html.append("</table>\n");
            }
        }
        if (inCharts) {
            html.append("</div>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    /** Escapes, then turns [label](href), `code` and **bold** into HTML. */
    static String inline(String text) {
        String s = Svg.escape(text);
        s = s.replaceAll("\\[([^\\]]+)\\]\\(([^)\\s]+)\\)", "<a href=\"$2\">$1</a>");
        s = s.replaceAll("`([^`]+)`", "<code>$1</code>");
        s = s.replaceAll("\\*\\*([^*]+)\\*\\*", "<b>$1</b>");
        return s;
    }
}
