-- Steps 5-6: the trace of the request that wrote an outbox row continues when the relay publishes
-- it, so the row keeps the request's trace context: its W3C traceparent
-- (version-traceid-spanid-flags, see https://www.w3.org/TR/trace-context/), null where the row was
-- written without a tracer. One column, not the whole carrier: tracestate and baggage are not used.
ALTER TABLE outbox ADD COLUMN traceparent text;
