package dev.twitterarch.common.web;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParametersTest {

    @ParameterizedTest
    @ValueSource(strings = {"limit=20", "limit=20&before=123", "a=1&&b=2", "flag", "q=caf%C3%A9+au+lait", "e=", "x=%2F%25"})
    void acceptsWhatTomcatCanDecode(String query) {
        assertThatCode(() -> QueryParameters.check(query)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "before=%zz|'before'", "limit=%4|'limit'", "limit=%|'limit'", "%zz=1|'%zz'", "before=%C3%28|'before'",
            "before=%ED%A0%80|'before'", "limit=1&=5|without a parameter name", "n=%FF|'n'"})
    void namesTheParameterTomcatCannotDecode(String query, String named) {
        assertThatThrownBy(() -> QueryParameters.check(query)).isInstanceOf(ApiException.class).hasMessageContaining(named);
    }
}
