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
}
