package dev.twitterarch.compare.report;

import java.util.ArrayList;
import java.util.List;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The report as a list of blocks, written as Markdown (report.md) and that Markdown rendered as one
 * self-contained HTML page (index.html, with the charts inline), so both always hold the same tables.
 */
final class Doc {

    private interface Block {
    }

    private record Heading(int level, String text) implements Block {
    }

    /** Markdown text: links, `code` and **bold** are what the report uses. */
    private record Paragraph(String text) implements Block {
    }

    record Table(List<String> header, List<List<String>> rows) implements Block {
    }

    /** A chart's HTML, one line. */
    private record Chart(String html) implements Block {
    }

    private record Bullets(List<String> items) implements Block {
    }

    private static final List<Extension> TABLES = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(TABLES).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(TABLES).build();

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
    Doc chart(String html) {
        blocks.add(new Chart(html));
        return this;
    }

    String markdown() {
        return markdown(false);
    }

    /** The Markdown rendered by commonmark-java, the charts placed between the blocks as raw HTML. */
    String html(String title) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <style>
                body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
                h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}h3{margin-top:1.4em}
                table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}
                th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right;vertical-align:top}
                th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
                code{background:#f3f3f3;padding:0 .2em}
                .charts{display:flex;flex-wrap:wrap;gap:12px}.charts canvas{border:1px solid #eee;background:#fff}
                </style></head><body>
                %s%s</body></html>
                """.formatted(Charts.escape(title), RENDERER.render(PARSER.parse(markdown(true))), Charts.script());
    }

    private String markdown(boolean withCharts) {
        StringBuilder md = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
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
            } else if (block instanceof Chart c && withCharts) {
                // consecutive charts share one row, one line: an HTML block in Markdown ends at a blank line
                boolean first = i == 0 || !(blocks.get(i - 1) instanceof Chart);
                boolean last = i == blocks.size() - 1 || !(blocks.get(i + 1) instanceof Chart);
                md.append(first ? "<div class=\"charts\">" : "").append(c.html())
                        .append(last ? "</div>\n\n" : "");
            }
        }
        return md.toString();
    }
}
