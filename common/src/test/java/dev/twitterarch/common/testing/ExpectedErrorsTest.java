package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class ExpectedErrorsTest {

    private static final Logger expected = LoggerFactory.getLogger(ExpectedErrorsTest.class);
    private static final Logger other = LoggerFactory.getLogger("dev.twitterarch.elsewhere");

    @RegisterExtension
    final ExpectedErrors errors = ExpectedErrors.from(ExpectedErrorsTest.class);

    @Test
    void anExpectedErrorIsKeptForTheTestAndNotPrinted(CapturedOutput output) {
        expected.error("{}: dead-lettering message {}", "q", 42, new IllegalStateException("boom"));
        expected.warn("a warning still prints");

        errors.assertLogged("dead-lettering message 42");
        assertThat(errors.logged()).containsExactly("q: dead-lettering message 42 (java.lang.IllegalStateException: boom)");
        assertThat(output.getAll()).doesNotContain("dead-lettering").contains("a warning still prints");
    }

    /** Another logger's ERROR passes by (here into a second capture, so that this test prints no ERROR itself). */
    @Test
    void anErrorOfAnotherLoggerIsLeftAlone() {
        ExpectedErrors elsewhere = ExpectedErrors.fromLoggers("dev.twitterarch.elsewhere");
        elsewhere.beforeEach(null);
        try {
            other.error("nobody expected this here");
        } finally {
            elsewhere.afterEach(null);
        }

        assertThat(errors.logged()).isEmpty();
        assertThat(elsewhere.logged()).containsExactly("nobody expected this here");
    }
}
