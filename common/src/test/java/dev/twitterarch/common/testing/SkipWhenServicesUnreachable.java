package dev.twitterarch.common.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Once a service could not be reached ({@link TestServices}), every later application test of the
 * run is skipped with one line instead of failing with a stack trace of its own: the run fails
 * once, on the first test, whose failure says how to start the services. Tests that need no
 * application context still run. Registered for every module through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} in common's test-jar (the
 * root pom turns JUnit's extension autodetection on).
 */
public class SkipWhenServicesUnreachable implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String unreachable = TestServices.unreachable();
        boolean application = context.getTestClass()
                .map(test -> TestContextAnnotationUtils.hasAnnotation(test, SpringBootTest.class)).orElse(false);
        return unreachable != null && application
                ? ConditionEvaluationResult.disabled("skipped: " + unreachable)
                : ConditionEvaluationResult.enabled("the test services answered so far");
    }
}
