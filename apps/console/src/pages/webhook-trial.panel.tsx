import { useEffect, useState } from 'preact/hooks';
import { ApiError, webhooksApi, type RenderedRequest, type TestResult, type TrialInput, type WebhookDraft } from '../api/console-api';
import { Select, TextArea, TextField } from '../ui/fields';
import { Problem } from '../ui/problem';
import { RequestView, ResponseView } from '../ui/request-view';
import { TemplateError } from '../ui/template-error';

/** Sample events to render with; "sample" keeps the server's documented sample context. */
const SAMPLE_EVENTS: Record<string, object | undefined> = {
  sample: undefined,
  purchase: { id: 'evt_console', type: 'purchase', occurredAt: '2026-01-15T09:30:00.000Z', properties: { orderId: 'ORD-2002', total: 54.9, currency: 'EUR', items: [{ sku: 'MUG-2', name: 'Mugs', qty: 2, price: 27.45 }] } },
  cart_add: { id: 'evt_console', type: 'cart_add', occurredAt: '2026-01-15T09:30:00.000Z', properties: { sku: 'PLATE-6', name: 'Dish set', price: 89.5 } },
  email_click: { id: 'evt_console', type: 'email_click', occurredAt: '2026-01-15T09:30:00.000Z', properties: { url: 'https://shop.example.com/sale', campaignId: 'spring-sale' } },
};

/**
 * The template a preview error's path points at (`$.body`, `$.headers.x-campaign`, `$.form.to`),
 * when the draft holds it (a preset's templates are expanded on the server).
 */
function templateAt(draft: WebhookDraft, path: string): string | undefined {
  if ('preset' in draft) return undefined;
  const [, field, key] = /^\$\.(\w+)(?:\.(.+))?$/.exec(path) ?? [];
  if (field === 'url' || field === 'body') return draft[field];
  if (field === 'headers' && key) return draft.headers?.[key];
  if (field === 'form' && key) return draft.form?.[key];
  return undefined;
}

/**
 * Live preview (render, send nothing) of the webhook as the editor holds it now, saved or not,
 * for a chosen customer and sample event; it refreshes as the form or the inputs change. Send
 * test (deliver once) is there once the webhook is saved, and delivers the saved revision.
 */
export function WebhookTrialPanel({ draft, savedId, dirty = false }: { draft: WebhookDraft; savedId?: string; dirty?: boolean }) {
  const [customerId, setCustomerId] = useState('');
  const [sample, setSample] = useState('sample');
  const [eventJson, setEventJson] = useState('');
  const [preview, setPreview] = useState<{ request?: RenderedRequest; error?: unknown }>({});
  const [test, setTest] = useState<{ result?: TestResult; error?: unknown; busy?: boolean }>({});

  const trial = (): TrialInput => {
    const event = eventJson.trim() ? (JSON.parse(eventJson) as object) : undefined;
    return { ...(customerId.trim() ? { customerId: customerId.trim() } : {}), ...(event ? { context: { event, events: [event] } } : {}) };
  };

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      let input: TrialInput;
      try {
        input = trial();
      } catch (error) {
        setPreview({ error: new ApiError(400, 'The sample event is not valid JSON', [], (error as Error).message) });
        return;
      }
      webhooksApi.previewDraft(draft, input).then(
        (r) => current && setPreview({ request: r.request }),
        (error: unknown) => current && setPreview({ error }),
      );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // Re-render when any field of the draft changes (compared by value: the editor makes a new object per keystroke) or the inputs do.
  }, [JSON.stringify(draft), customerId, eventJson]);

  const chooseSample = (name: string) => {
    setSample(name);
    const event = SAMPLE_EVENTS[name];
    setEventJson(event ? JSON.stringify(event, null, 2) : '');
  };

  const sendTest = async (id: string) => {
    setTest({ busy: true });
    try {
      setTest({ result: await webhooksApi.test(id, trial()) });
    } catch (error) {
      setTest({ error });
    }
  };

  // Errors in a template the draft holds are shown at their line; the others as a problem.
  const errors = preview.error instanceof ApiError ? preview.error.errors : [];
  const atTemplates = errors.filter((e) => templateAt(draft, e.path) !== undefined);
  const otherError =
    preview.error instanceof ApiError && atTemplates.length > 0
      ? atTemplates.length < errors.length
        ? new ApiError(preview.error.status, preview.error.title, errors.filter((e) => !atTemplates.includes(e)), preview.error.detail)
        : undefined
      : preview.error;
  return (
    <section class="panel" aria-labelledby="trial-heading">
      <h2 id="trial-heading">{savedId ? 'Preview and test' : 'Preview'}</h2>
      <p class="muted">Renders the form as it is now, saved or not; nothing is sent.</p>
      <div class="grid-2">
        <TextField label="Customer id" name="customerId" value={customerId} onInput={setCustomerId} hint="A customer with a stored profile; empty for the sample customer (Ada)." />
        <Select label="Sample event" name="sampleEvent" value={sample} options={[['sample', 'Sample purchase (default)'], ['purchase', 'purchase'], ['cart_add', 'cart_add'], ['email_click', 'email_click']] as const} onChange={chooseSample} />
      </div>
      {eventJson && <TextArea label="Event (JSON)" name="event" rows={6} value={eventJson} onInput={setEventJson} />}
      <div aria-live="polite" class="preview">
        <h3 class="visually-hidden">Preview</h3>
        {preview.request && <RequestView request={preview.request} label="Preview: the request that would be sent" />}
        {atTemplates.map((e) => (
          <TemplateError key={e.path + e.message} template={templateAt(draft, e.path) ?? ''} message={`${e.path}: ${e.message}`} />
        ))}
        <Problem error={otherError} />
      </div>
      {savedId && (
        <div class="actions">
          <button type="button" onClick={() => sendTest(savedId)} disabled={test.busy}>
            {test.busy ? 'Sending…' : 'Send test'}
          </button>
          {dirty && <span class="muted">Send test delivers the saved webhook: save to test your changes.</span>}
        </div>
      )}
      <div aria-live="polite" class="test-result">
        {test.result && (
          <>
            <p>
              <span class={`badge ${test.result.ok ? 'ok' : 'bad'}`}>{test.result.ok ? 'Delivered' : 'Not delivered'}</span>
              {test.result.error && <span class="field-error"> {test.result.error}</span>}
            </p>
            <div class="grid-2">
              <RequestView request={test.result.request} label="Request sent" />
              {test.result.response ? <ResponseView response={test.result.response} /> : <p>No response.</p>}
            </div>
          </>
        )}
        <Problem error={test.error} />
      </div>
    </section>
  );
}
