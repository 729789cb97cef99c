import { useEffect, useState } from 'preact/hooks';
import { ApiError, etagAfterWrite, webhookInputOf, webhooksApi, type AuthInput, type Webhook, type WebhookInput } from '../api/console-api';
import { Checkbox, Select, TextArea, TextField } from '../ui/fields';
import { KeyValueEditor } from '../ui/key-value-editor';
import { Layout } from '../ui/layout';
import { fieldErrors, Problem } from '../ui/problem';
import { takeShownOnce } from '../ui/shown-once';
import { TemplateError } from '../ui/template-error';
import { useLoad } from '../ui/use-load';
import { healthText } from './webhooks.page';
import { WebhookTrialPanel } from './webhook-trial.panel';

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Edit a webhook (templates, auth, delivery policy), preview and test it, rotate its signing secret, enable or disable it. */
export function WebhookEditPage({ id }: { id: string }) {
  const loaded = useLoad(() => webhooksApi.get(id), [id]);
  const health = useLoad(() => webhooksApi.health(id).catch(() => undefined), [id]);
  const [saved, setSaved] = useState<{ webhook: Webhook; etag?: string }>();
  const [draft, setDraft] = useState<WebhookInput>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [secret, setSecret] = useState<string | undefined>(() => takeShownOnce(id));

  useEffect(() => {
    if (!loaded.data) return;
    setSaved({ webhook: loaded.data.data, etag: loaded.data.etag });
    setDraft(webhookInputOf(loaded.data.data));
  }, [loaded.data]);

  if (!saved || !draft)
    return (
      <Layout section="webhooks" title="Webhook">
        <Problem error={loaded.error} />
        {loaded.loading && <p>Loading…</p>}
      </Layout>
    );

  const set = (patch: Partial<WebhookInput>) => setDraft({ ...draft, ...patch });
  const save = async (input: WebhookInput, message: string) => {
    setError(undefined);
    setNotice(undefined);
    try {
      const result = await webhooksApi.replace(id, input, saved.etag);
      setSaved({ webhook: result.data, etag: await etagAfterWrite(result, Boolean(saved.etag), () => webhooksApi.get(id)) });
      setDraft(webhookInputOf(result.data));
      if (result.data.generatedSecret) setSecret(result.data.generatedSecret);
      setNotice(message);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && (e.status === 412 || e.status === 428)) setNotice('Someone else changed this webhook: reload to see their version.');
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void save(draft, 'Saved.');
  };
  const h = healthText(health.data);
  const dirty = JSON.stringify(draft) !== JSON.stringify(webhookInputOf(saved.webhook));
  const errorsAt = (path: string) => fieldErrors(error, path);
  const templateErrors = (path: string, template: string) => errorsAt(path).map((m) => <TemplateError key={m} template={template} message={m} />);

  return (
    <Layout
      section="webhooks"
      title={saved.webhook.name}
      actions={
        <button type="button" class="secondary" onClick={() => save({ ...webhookInputOf(saved.webhook), enabled: !saved.webhook.enabled }, saved.webhook.enabled ? 'Disabled.' : 'Enabled.')}>
          {saved.webhook.enabled ? 'Disable webhook' : 'Enable webhook'}
        </button>
      }
    >
      <p class="status-line">
        <span class={`badge ${saved.webhook.enabled ? 'ok' : 'off'}`}>{saved.webhook.enabled ? 'enabled' : 'disabled'}</span> <span class={`badge ${h.tone}`}>endpoint {h.text}</span>{' '}
        <span class="muted mono">
          {id} · revision {saved.webhook.revision ?? '?'}
        </span>
        {health.data?.disabled && (
          <button type="button" class="secondary" onClick={() => webhooksApi.enableEndpoint(id).then(health.reload, setError)}>
            Re-enable endpoint
          </button>
        )}
      </p>
      {secret && <SecretShownOnce secret={secret} onDone={() => setSecret(undefined)} />}
      <div aria-live="polite">{notice && <p class="notice">{notice}</p>}</div>
      <Problem error={error} />
      <div class="editor">
        <form onSubmit={submit} class="stack panel" aria-labelledby="request-heading">
          <h2 id="request-heading">Request</h2>
          <TextField label="Name" name="name" value={draft.name} onInput={(name) => set({ name })} errors={errorsAt('$.name')} />
          <div class="grid-2">
            <Select label="Method" name="method" value={draft.method} options={['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const} onChange={(method) => set({ method })} />
            <Select label="Content type" name="contentType" value={draft.contentType} options={['application/json', 'application/x-www-form-urlencoded', 'text/plain'] as const} onChange={(contentType) => set({ contentType })} />
          </div>
          <TextField label="URL template" name="url" value={draft.url} onInput={(url) => set({ url })} />
          {templateErrors('$.url', draft.url)}
          <KeyValueEditor legend="Header templates" keyLabel="Header" valueLabel="Template" entries={draft.headers} onChange={(headers) => set({ headers })} />
          {errorsAt('$.headers').map((m) => (
            <p class="field-error" key={m}>
              {m}
            </p>
          ))}
          {draft.contentType === 'application/x-www-form-urlencoded' && (
            <>
              <TextField label="Send the JSON body as one form field named" name="formJsonField" value={draft.formJsonField ?? ''} onInput={(v) => set({ formJsonField: v || undefined, form: v ? undefined : draft.form })} hint="Smartech style: data=<JSON>. Leave empty to send form fields." />
              {!draft.formJsonField && <KeyValueEditor legend="Form field templates" keyLabel="Field" valueLabel="Template" entries={draft.form ?? {}} onChange={(form) => set({ form, body: '' })} />}
            </>
          )}
          {(draft.contentType !== 'application/x-www-form-urlencoded' || draft.formJsonField) && <TextArea label="Body template" name="body" class="code" rows={10} value={draft.body} onInput={(body) => set({ body })} hint="Handlebars; {{json x}} embeds x as JSON. See docs/templates.md." />}
          {templateErrors('$.body', draft.body)}
          <AuthEditor auth={draft.auth} onChange={(auth) => set({ auth })} errors={errorsAt('$.auth')} />
          <Checkbox label="Sign deliveries (Standard Webhooks)" checked={Boolean(draft.signing)} onChange={(on) => set({ signing: on ? { type: 'standard-webhooks' } : undefined })} />
          <details>
            <summary>Delivery policy</summary>
            <div class="grid-2">
              <TextField label="Timeout (ms)" type="number" name="timeoutMs" value={String(draft.timeoutMs ?? 10000)} onInput={(v) => set({ timeoutMs: Number(v) })} errors={errorsAt('$.timeoutMs')} />
              <TextField label="Success codes" name="successCodes" value={(draft.successCodes ?? ['2xx']).join(', ')} onInput={(v) => set({ successCodes: list(v).map((c) => (/^\d+$/.test(c) ? Number(c) : c)) })} errors={errorsAt('$.successCodes')} hint="Codes or classes: 200, 202, 2xx" />
              <TextField label="Retry schedule" name="retry" value={(draft.retry?.schedule ?? []).join(', ')} onInput={(v) => set({ retry: { schedule: list(v) } })} errors={errorsAt('$.retry')} hint="Delays: 30s, 2m, 10m, 1h" />
              <TextField label="Rate limit (requests per second, empty for none)" type="number" name="rateLimit" value={draft.rateLimit ? String(draft.rateLimit.perSecond) : ''} onInput={(v) => set({ rateLimit: v ? { ...draft.rateLimit, perSecond: Number(v) } : undefined })} errors={errorsAt('$.rateLimit')} />
            </div>
          </details>
          <div class="actions">
            <button type="submit">Save</button>
            {dirty && (
              <span class="badge warn" role="status">
                unsaved changes
              </span>
            )}
            <button type="button" class="secondary" onClick={() => setDraft(webhookInputOf(saved.webhook))}>
              Discard changes
            </button>
          </div>
        </form>
        <div class="stack">
          <WebhookTrialPanel draft={{ id, ...draft }} savedId={id} dirty={dirty} />
          {saved.webhook.signing && <RotateSecret id={id} signing={saved.webhook.signing} onRotated={(s) => (setSecret(s), loaded.reload())} />}
        </div>
      </div>
    </Layout>
  );
}

function AuthEditor({ auth, onChange, errors }: { auth: AuthInput; onChange: (a: AuthInput) => void; errors: string[] }) {
  const keep = 'Write-only: leave empty to keep the stored one.';
  return (
    <fieldset>
      <legend>Authentication</legend>
      <Select
        label="Type"
        name="authType"
        value={auth.type}
        options={[['none', 'None'], ['basic', 'Basic'], ['bearer', 'Bearer token'], ['header', 'Custom header']] as const}
        onChange={(type) => onChange(type === 'basic' ? { type, username: '' } : type === 'header' ? { type, name: 'x-api-key' } : { type })}
      />
      {auth.type === 'basic' && (
        <div class="grid-2">
          <TextField label="Username" value={auth.username} onInput={(username) => onChange({ ...auth, username })} />
          <TextField label="Password" type="password" autoComplete="new-password" value={auth.password ?? ''} onInput={(password) => onChange({ ...auth, password: password || undefined })} hint={keep} />
        </div>
      )}
      {auth.type === 'bearer' && <TextField label="Token" type="password" autoComplete="new-password" value={auth.token ?? ''} onInput={(token) => onChange({ ...auth, token: token || undefined })} hint={keep} />}
      {auth.type === 'header' && (
        <div class="grid-2">
          <TextField label="Header name" value={auth.name} onInput={(name) => onChange({ ...auth, name })} />
          <TextField label="Header value" type="password" autoComplete="new-password" value={auth.value ?? ''} onInput={(value) => onChange({ ...auth, value: value || undefined })} hint={keep} />
        </div>
      )}
      {errors.map((e) => (
        <p class="field-error" key={e}>
          {e}
        </p>
      ))}
    </fieldset>
  );
}

function RotateSecret({ id, signing, onRotated }: { id: string; signing: NonNullable<Webhook['signing']>; onRotated: (secret: string) => void }) {
  const [overlap, setOverlap] = useState('86400');
  const [error, setError] = useState<unknown>();
  const rotate = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      onRotated((await webhooksApi.rotateSecret(id, Number(overlap))).secret);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="panel stack" onSubmit={rotate} aria-labelledby="rotate-heading">
      <h2 id="rotate-heading">Signing secret</h2>
      <ul class="plain">
        {(signing.secrets ?? []).map((s) => (
          <li key={s.id} class="mono">
            {s.id} · since {new Date(s.createdAt).toLocaleString()}
            {s.expiresAt ? ` · stops signing ${new Date(s.expiresAt).toLocaleString()}` : ''}
          </li>
        ))}
      </ul>
      <TextField label="Old secrets keep signing for (seconds)" type="number" name="overlapSeconds" value={overlap} onInput={setOverlap} hint="Both signatures are sent during the overlap, so receivers can switch without a gap." errors={fieldErrors(error, '$.overlapSeconds')} />
      <Problem error={error} />
      <div class="actions">
        <button type="submit" class="secondary">
          Rotate secret
        </button>
      </div>
    </form>
  );
}

function SecretShownOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div class="secret" role="status">
      <p>
        <strong>New signing secret — shown this once.</strong> Copy it to the receiver now; Cuewire stores it encrypted and never shows it again.
      </p>
      <TextField label="New signing secret" name="secret" readOnly value={secret} onInput={() => undefined} />
      <button type="button" class="secondary" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
