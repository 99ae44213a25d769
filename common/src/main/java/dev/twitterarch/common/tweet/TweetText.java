package dev.twitterarch.common.tweet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * At most {@link #MAX_CODE_POINTS} characters as a reader counts them: Unicode code points, so an
 * emoji counts as one (Java's {@code String.length()} and {@code @Size} would count it as two).
 * Text PostgreSQL cannot store verbatim (NUL, unpaired surrogates) is refused, not mangled.
 */
@Documented
@Constraint(validatedBy = TweetText.Validator.class)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@interface TweetText {

    int MAX_CODE_POINTS = 280;

    String message() default "must be at most 280 characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<TweetText, String> {

        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            if (text == null) {
                return true;
            }
            String problem = problemWith(text);
            if (problem != null) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
            }
            return problem == null;
        }

        static String problemWith(String text) {
            int count = text.codePointCount(0, text.length());
            if (count > MAX_CODE_POINTS) {
                return "must be at most " + MAX_CODE_POINTS + " characters, was " + count;
            }
            if (text.indexOf('\0') >= 0) {
                return "must not contain the NUL character";
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return "must be valid Unicode (unpaired surrogate at index " + i + ")";
                }
            }
            return null;
        }
    }
}
