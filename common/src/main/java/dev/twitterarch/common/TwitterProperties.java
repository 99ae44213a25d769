package dev.twitterarch.common;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The project's own settings, under {@code twitter.*}. Checked when bound: a value out of range
 * stops the start with a message that names the property and the allowed values.
 *
 * @param schema       the PostgreSQL schema this step keeps its tables in (step1, step2 ...)
 * @param nodeId       this process's node id inside generated ids (0-15); processes that create
 *                     users or tweets against the same database need distinct ones
 * @param resetOnStart drop and recreate the step's schema at start (the demos start clean); steps
 *                     3-6 also delete their queues before declaring them
 */
@ConfigurationProperties("twitter")
@Validated
public record TwitterProperties(
        @NotNull @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,62}", message = "must be a PostgreSQL name: a letter or '_', then letters, digits or '_' (at most 63)") String schema,
        @Min(0) @Max(15) int nodeId,
        boolean resetOnStart) {
}
