import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { egressProxyFrom, PrivateNetworkGuard, WebhookHttpClient, type OutboundRequest, type OutboundResponse } from '@cuewire/delivery';
import { APP_CONFIG } from '@cuewire/platform';
import type { DispatcherEnv } from '../dispatcher.env.js';

const tracer = trace.getTracer('cuewire-dispatcher');

/** The process's outbound HTTP client, closed on shutdown. */
@Injectable()
export class WebhookHttp extends WebhookHttpClient implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) private readonly config: DispatcherEnv) {
    super({ guard: new PrivateNetworkGuard({ allow: config.DISPATCH_ALLOW_PRIVATE_CIDRS }), maxResponseBytes: config.DISPATCH_MAX_RESPONSE_BYTES, egress: egressProxyFrom(config) });
  }

  /**
   * One delivery attempt in a client span of the delivery's trace, naming the webhook and the
   * campaign; with DISPATCH_SEND_TRACEPARENT the receiver gets the trace as `traceparent`.
   */
  async attempt(req: OutboundRequest, ids: { readonly webhookId: string; readonly campaignId: string }): Promise<OutboundResponse> {
    const span = tracer.startSpan('webhook attempt', { kind: SpanKind.CLIENT });
    const recording = span.isRecording();
    // Without a tracer provider (TRACING_EXPORTER unset) the span records nothing: its attributes would be built for nothing.
    if (recording) {
      span.setAttributes({ 'http.request.method': req.method, 'server.address': new URL(req.url).hostname, 'cuewire.webhook_id': ids.webhookId, 'cuewire.campaign_id': ids.campaignId });
    }
    try {
      // The span's context is made active (and sent as traceparent) only where something reads it.
      const response = await (recording || this.config.DISPATCH_SEND_TRACEPARENT ? this.sendInSpan(span, req) : this.send(req));
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `receiver answered ${response.statusCode}` });
      return response;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  }

  private sendInSpan(span: Span, req: OutboundRequest): Promise<OutboundResponse> {
    const ctx = trace.setSpan(context.active(), span);
    if (!this.config.DISPATCH_SEND_TRACEPARENT) return context.with(ctx, () => this.send(req));
    const headers = { ...req.headers };
    propagation.inject(ctx, headers);
    return context.with(ctx, () => this.send({ ...req, headers }));
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
