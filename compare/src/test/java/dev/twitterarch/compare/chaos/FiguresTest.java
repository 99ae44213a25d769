package dev.twitterarch.compare.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FiguresTest {

    /** figures.md, the run's table: each row has as many cells as its header (it had one more). */
    @Test
    void aRowHasACellForEveryColumnOfTheHeader() {
        Figures figures = new Figures("load", 4, 2843, 0, 0, 0, 0, 0, 0, 0, 3, 442_100, "32426 requests");

        String header = Figures.MARKDOWN_HEADER.lines().findFirst().orElseThrow();
        assertEquals(header.split("\\|", -1).length, figures.markdownRow().split("\\|", -1).length);
        assertEquals("| load | 4 | 2843 | 0 | 0 | 0 | 0 | 0 | 0 | 3 | 0 | 442.1 s | PASS | 32426 requests |", figures.markdownRow());
    }
}
