package dev.twitterarch.common.tweet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TweetTextTest {

    private static String problem(String text) {
        return TweetText.Validator.problemWith(text);
    }

    @Test
    void countsCodePointsNotUtf16Units() {
        assertThat(problem("😀".repeat(280))).isNull();
        assertThat(problem("😀".repeat(281))).contains("280", "281");
        assertThat(problem("x".repeat(280))).isNull();
        assertThat(problem("é".repeat(281))).contains("281");
    }

    @Test
    void refusesWhatPostgresCannotStoreVerbatim() {
        assertThat(problem("a\0b")).contains("NUL");
        assertThat(problem("lone \uD800 high")).contains("surrogate");
        assertThat(problem("lone \uDC00 low")).contains("surrogate");
        assertThat(problem("end \uD83D")).contains("surrogate");
        assertThat(problem("pair \uD83D\uDE00 fine")).isNull();
    }

    @Test
    void emptyMeansNothingVisibleByUnicodesRules() {
        for (String blank : new String[] {"", " \t\n", "\u00a0", "\u2003\u2009", "\u3000", "\u200b", "\u200d\ufeff", "\u3164", "\u2800"}) {
            assertThat(problem(blank)).as("'%s'", blank).contains("empty");
        }
        assertThat(problem("\u00a0x\u00a0")).isNull();
        assertThat(problem("\uD83D\uDC68\u200D\uD83D\uDC69")).isNull(); // an emoji sequence joined by U+200D
    }

    @Test
    void refusesControlCharactersButTabsAndLineBreaks() {
        assertThat(problem("a\u0007b")).contains("U+0007", "index 1");
        assertThat(problem("\u0085")).contains("U+0085");
        assertThat(problem("\u001b[31mred")).contains("U+001B");
        assertThat(problem("line\r\nnext\ttab")).isNull();
    }
}
