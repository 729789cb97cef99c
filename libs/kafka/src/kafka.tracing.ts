import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type TextMapGetter } from '@opentelemetry/api';

/**
 * W3C trace context across Kafka (ADR 0021): the writer puts `traceparent` in the record's
 * headers, the consume loop continues the trace from it. Only @opentelemetry/api is used here:
 * with no tracer provider registered (tracing off, the default) every call is a no-op.
 */
const tracer = trace.getTracer('cuewire-kafka');

const headerGetter: TextMapGetter<ReadonlyMap<string, string>> = {
  get: (headers, key) => headers.get(key),
  keys: (headers) => [...headers.keys()],
};

/** The record's headers with the active trace context added (none when nothing is being traced). */
export function withTraceContext(headers: Readonly<Record<string, string>> | undefined): Map<string, string> | undefined {
  const carrier: Record<string, string> = { ...headers };
  propagation.inject(context.active(), carrier);
  const entries = Object.entries(carrier);
  return entries.length > 0 ? new Map(entries) : undefined;
}

/**
 * Runs one record's work in a consumer span that continues the writer's trace, so what the
 * handler produces carries it on. The span ends when the record's outcome is durable.
 */
export async function inConsumeSpan<R>(groupId: string, topic: string, headers: ReadonlyMap<string, string> | undefined, work: (span: Span) => Promise<R>): Promise<R> {
  const parent = headers ? propagation.extract(context.active(), headers, headerGetter) : context.active();
  const span = tracer.startSpan(`${topic} process`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.consumer.group.name': groupId } }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/** Names the campaign and webhook a decoded record is about (top level, or a retry's `request`). */
export function describeRecordSpan(span: Span, value: unknown): void {
  if (!span.isRecording() || typeof value !== 'object' || value === null) return;
  const ids = value as { campaignId?: unknown; webhookId?: unknown; request?: { campaignId?: unknown; webhookId?: unknown } };
  const campaignId = ids.campaignId ?? ids.request?.campaignId;
  const webhookId = ids.webhookId ?? ids.request?.webhookId;
  if (typeof campaignId === 'string') span.setAttribute('cuewire.campaign_id', campaignId);
  if (typeof webhookId === 'string') span.setAttribute('cuewire.webhook_id', webhookId);
}
