package dev.twitterarch.common.web;

import java.beans.PropertyEditorSupport;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Numbers in paths, query parameters and headers are plain decimal ASCII digits, nothing else.
 * Spring binds a {@code long} with {@link Long#decode} (its conversion service, and the property
 * editor it falls back to when a converter refuses), so {@code /api/users/0x1F}, {@code #1F},
 * {@code +31} and {@code " 31"} all named user 31 and {@code 010} named user 8 (octal); and
 * {@link Long#parseLong} alone accepts a sign and any Unicode digit ("١٢" is 12). An id has one
 * spelling, so anything but {@code -?[0-9]+} is refused as the client mistake it is. (A binding
 * advice, not an error one: the errors stay in {@link ApiExceptionHandler}.)
 */
@ControllerAdvice
public class StrictNumbers {

    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,19}");

    /** The value as a long, or null when it is not a plain decimal integer that fits in 64 bits. */
    public static Long parseLong(String value) {
        if (value == null || !DECIMAL.matcher(value).matches()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null; // 19 digits above Long.MAX_VALUE
        }
    }

    /** A custom editor wins over both the conversion service and the default editors. */
    @InitBinder
    void decimalDigitsOnly(WebDataBinder binder) {
        Editor longs = new Editor(value -> value);
        Editor ints = new Editor(value -> {
            if (value != (int) value) {
                throw new IllegalArgumentException("out of range for a 32-bit integer");
            }
            return (int) value;
        });
        binder.registerCustomEditor(long.class, longs);
        binder.registerCustomEditor(Long.class, longs);
        binder.registerCustomEditor(int.class, ints);
        binder.registerCustomEditor(Integer.class, ints);
    }

    private static final class Editor extends PropertyEditorSupport {

        private final LongFunction<Object> narrow;

        Editor(LongFunction<Object> narrow) {
            this.narrow = narrow;
        }

        @Override
        public void setAsText(String text) {
            if (text == null || text.isEmpty()) {
                setValue(null); // "not given", as with Spring's own editors
                return;
            }
            Long value = parseLong(text);
            if (value == null) {
                // not shown to the client: the type mismatch handler words the fault and names the parameter
                throw new IllegalArgumentException("not a decimal integer");
            }
            setValue(narrow.apply(value));
        }
    }
}
