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
 * The text of a tweet: something a reader can see, at most {@link #MAX_CODE_POINTS} characters as a
 * reader counts them: Unicode code points, so an emoji counts as one (Java's {@code String.length()}
 * and {@code @Size} would count it as two).
 *
 * <p>Empty means nothing visible, by Unicode's rules rather than {@code @NotBlank}'s: that one
 * trims only U+0000-U+0020 and Java's whitespace, so a tweet of no-break spaces (U+00A0), next
 * lines (U+0085), zero-width spaces (U+200B) or Hangul fillers passed while one of tabs did not.
 * Text PostgreSQL cannot store verbatim (NUL, unpaired surrogates) is refused, not mangled, and
 * so are control characters other than tab and line breaks: they only make sense to a terminal.
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
            boolean visible = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    visible |= !isInvisible(text.codePointAt(i));
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return "must be valid Unicode (unpaired surrogate at index " + i + ")";
                } else if (Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && c != '\r') {
                    return String.format("must not contain control character U+%04X (at index %d)", (int) c, i);
                } else {
                    visible |= !isInvisible(c);
                }
            }
            return visible ? null : "must not be empty (it has only spaces or invisible characters)";
        }

        /** Shows as nothing: white space (Unicode's, U+00A0 and U+3000 included), format characters, fillers. */
        private static boolean isInvisible(int codePoint) {
            return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)
                    || Character.getType(codePoint) == Character.FORMAT // U+200B, U+200D, U+2060, U+FEFF, U+00AD ...
                    || codePoint == 0x034F || codePoint == 0x115F || codePoint == 0x1160 // combining grapheme joiner, Hangul fillers
                    || codePoint == 0x2800 || codePoint == 0x3164 || codePoint == 0xFFA0; // braille blank, Hangul fillers
        }
    }
}
