import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The fields a log line gets while a span is active (tracing on), so logs and traces join up; nothing otherwise. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
