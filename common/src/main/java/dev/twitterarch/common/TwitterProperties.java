package dev.twitterarch.common;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The project's own settings, under {@code twitter.*}.
 *
 * @param schema       the PostgreSQL schema this step keeps its tables in (step1, step2 ...)
 * @param nodeId       this process's node id inside generated ids (0-15); processes that create
 *                     users or tweets against the same database need distinct ones
 * @param resetOnStart drop and recreate the step's schema at start (the demos start clean); steps
 *                     3-6 also delete their queues before declaring them
 */
@ConfigurationProperties("twitter")
public record TwitterProperties(String schema, int nodeId, boolean resetOnStart) {
}
