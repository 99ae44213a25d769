package dev.twitterarch.common.testing;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * An in-memory span exporter for the application under test: Boot's OpenTelemetry SDK exports to
 * every {@link SpanExporter} bean, as it would to the OTLP exporter (in batches, every
 * {@code management.opentelemetry.tracing.export.schedule-delay}). What opentelemetry-sdk-testing's
 * {@code InMemorySpanExporter} does, in a few lines here, so that a step's test classpath needs
 * nothing beyond the SDK its main code already has.
 */
@TestConfiguration(proxyBeanMethods = false)
public class RecordedSpans {

    @Bean
    Exporter recordedSpanExporter() {
        return new Exporter();
    }

    /** The spans ended so far, in the order they ended. */
    public static final class Exporter implements SpanExporter {

        private final ConcurrentLinkedQueue<SpanData> finished = new ConcurrentLinkedQueue<>();

        public List<SpanData> spans() {
            return List.copyOf(finished);
        }

        public void clear() {
            finished.clear();
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            finished.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
