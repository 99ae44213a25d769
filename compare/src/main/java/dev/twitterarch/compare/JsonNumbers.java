package dev.twitterarch.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The numeric fields of a flat JSON object such as /cache/stats' answer; enough here, no JSON library needed. */
public final class JsonNumbers {

    private static final Pattern FIELD = Pattern.compile("\"([A-Za-z_]+)\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)");

    private JsonNumbers() {
    }

    public static Map<String, String> of(String json) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(json == null ? "" : json);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }
}
