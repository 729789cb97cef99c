import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describeRecordSpan, inConsumeSpan, withTraceContext } from './kafka.tracing.js';

describe('trace context across Kafka records', () => {
  it('adds nothing to a record while tracing is off (no provider registered)', async () => {
    expect(withTraceContext(undefined)).toBeUndefined();
    expect(withTraceContext({ 'cw-webhook-id': 'w1' })).toEqual(new Map([['cw-webhook-id', 'w1']]));
    expect(await inConsumeSpan('g', 't', new Map(), async (span) => span.isRecording())).toBe(false);
  });

  describe('with tracing on', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    beforeAll(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      trace.setGlobalTracerProvider(provider);
    });
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    });

    it('continues the writer’s trace in the consumer span, and what the handler writes carries the consumer span on', async () => {
      const writer = trace.getTracer('test').startSpan('ingest');
      const written = context.with(trace.setSpan(context.active(), writer), () => withTraceContext({ 'cw-webhook-id': 'w1' }))!;
      writer.end();
      expect(written.get('traceparent')).toMatch(new RegExp(`^00-${writer.spanContext().traceId}-${writer.spanContext().spanId}-01$`));

      const next = await inConsumeSpan('cuewire.renderer', 'cw.campaign-triggers.v1', written, async (span) => {
        describeRecordSpan(span, { request: { campaignId: 'c1', webhookId: 'w1' } });
        return withTraceContext(undefined)!;
      });
      const consumer = exporter.getFinishedSpans().find((s) => s.name === 'cw.campaign-triggers.v1 process')!;
      expect(consumer.spanContext().traceId).toBe(writer.spanContext().traceId);
      expect(consumer.parentSpanContext?.spanId).toBe(writer.spanContext().spanId);
      expect(consumer.attributes).toMatchObject({ 'cuewire.campaign_id': 'c1', 'cuewire.webhook_id': 'w1', 'messaging.consumer.group.name': 'cuewire.renderer' });
      expect(next.get('traceparent')).toBe(`00-${writer.spanContext().traceId}-${consumer.spanContext().spanId}-01`);
    });
  });
});
