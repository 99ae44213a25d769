package dev.twitterarch.common.web;

/** The API speaks snake_case JSON (as the Python original did); Java speaks camelCase. */
final class JsonNames {

    private JsonNames() {
    }

    static String of(String javaName) {
        return javaName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
