package dev.twitterarch.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The records compare.sh (a step's start and status) and the non-load commands (seed, storage-ceiling)
 * write next to a simulation's {@link dev.twitterarch.compare.results.SimulationResults}: one record a
 * line, {@code kind} first, then {@code key=value} fields, tab-separated. Plain text, so that a shell
 * script can append one with printf and a person can grep them.
 */
public final class Records {

    private Records() {
    }

    public static String line(String kind, Map<String, ?> fields) {
        StringBuilder line = new StringBuilder(clean(kind));
        fields.forEach((key, value) -> line.append('\t').append(clean(key)).append('=').append(clean(String.valueOf(value))));
        return line.toString();
    }

    public static void append(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every record of the file (none if it is missing), each as its fields plus {@code kind}. */
    public static List<Map<String, String>> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Map<String, String>> records = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t");
                Map<String, String> record = new LinkedHashMap<>();
                record.put("kind", parts[0]);
                for (int i = 1; i < parts.length; i++) {
                    int eq = parts[i].indexOf('=');
                    record.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
                }
                records.add(record);
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Map<String, String>> ofKind(List<Map<String, String>> records, String kind) {
        return records.stream().filter(r -> kind.equals(r.get("kind"))).collect(Collectors.toList());
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
