import type { RenderedRequest } from '../api/console-api';

/** An HTTP request as it is (or would be) sent: request line, headers, body. */
export function RequestView({ request, label = 'Request' }: { request: RenderedRequest; label?: string }) {
  return (
    <section class="http" aria-label={label}>
      <h3>{label}</h3>
      <pre class="http-message" tabIndex={0}>
        <strong>
          {request.method} {request.url}
        </strong>
        {'\n'}
        {Object.entries(request.headers ?? {})
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n')}
        {'\n\n'}
        {prettyBody(request.body)}
      </pre>
    </section>
  );
}

export function ResponseView({ response }: { response: { status?: number; headers?: Record<string, unknown>; bodyExcerpt?: string; latencyMs?: number } }) {
  return (
    <section class="http" aria-label="Response">
      <h3>
        Response {response.status !== undefined && <span class={`status s${String(response.status)[0]}xx`}>{response.status}</span>}
        {response.latencyMs !== undefined && <span class="muted"> in {Math.round(response.latencyMs)} ms</span>}
      </h3>
      <pre class="http-message" tabIndex={0}>
        {[
          Object.entries(response.headers ?? {})
            .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
            .join('\n'),
          prettyBody(response.bodyExcerpt ?? ''),
        ]
          .filter(Boolean)
          .join('\n\n') || '(empty)'}
      </pre>
    </section>
  );
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
