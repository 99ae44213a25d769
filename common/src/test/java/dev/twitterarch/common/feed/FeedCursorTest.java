package dev.twitterarch.common.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.twitterarch.common.web.ApiException;

class FeedCursorTest {

    @Test
    void roundTripsTheLastIdOfAPage() {
        FeedCursor cursor = FeedCursor.after(new TweetRef(373559631683584L, 1L));
        assertThat(FeedCursor.parse(cursor.toString())).isEqualTo(cursor);
        assertThat(FeedCursor.parse(null)).isSameAs(FeedCursor.FIRST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "0", "-1", "1.0", "99999999999999999999", " 12", "+12", "0x1F", "\u0661\u0662"})
    void refusesAnythingElse(String value) {
        assertThatThrownBy(() -> FeedCursor.parse(value)).isInstanceOf(ApiException.class).hasMessageContaining("before");
    }
}
