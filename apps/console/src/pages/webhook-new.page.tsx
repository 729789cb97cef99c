import { useState } from 'preact/hooks';
import { presetDraft, webhooksApi, type Preset, type WebhookDraft } from '../api/console-api';
import { navigate } from '../router';
import { Checkbox, TextArea, TextField } from '../ui/fields';
import { initialValues, JsonSchemaForm, valuesToSend } from '../ui/json-schema-form';
import { Layout } from '../ui/layout';
import { fieldErrors, Problem } from '../ui/problem';
import { keepShownOnce } from '../ui/shown-once';
import { useLoad } from '../ui/use-load';
import { WebhookTrialPanel } from './webhook-trial.panel';

const SCRATCH = 'scratch';

/** Create a webhook from a provider preset (its parameters' form is generated from the preset's JSON Schema) or from scratch. */
export function WebhookNewPage() {
  const presets = useLoad(() => webhooksApi.presets(), []);
  const [choice, setChoice] = useState<string>(SCRATCH);
  const [id, setId] = useState('');
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [scratch, setScratch] = useState({ name: '', url: 'https://', body: '{"customer": {{json customer.id}}, "event": {{json event.type}} }', sign: true });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const preset: Preset | undefined = presets.data?.find((p) => p.id === choice);

  const choose = (next: string) => {
    setChoice(next);
    setValues(initialValues(presets.data?.find((p) => p.id === next)?.params));
    setError(undefined);
  };

  // What is created, and previewed before that.
  const draft: WebhookDraft = preset
    ? { ...(id ? { id } : {}), ...presetDraft(preset.id, valuesToSend(preset.params, values)) }
    : { ...(id ? { id } : {}), name: scratch.name, url: scratch.url, body: scratch.body, ...(scratch.sign ? { signing: { type: 'standard-webhooks' as const } } : {}) };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const created = await webhooksApi.create(draft);
      if (created.generatedSecret) keepShownOnce(created.id, created.generatedSecret);
      navigate('webhooks', created.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Layout section="webhooks" title="New webhook">
      <div class="editor">
        <form onSubmit={submit} class="stack">
          <fieldset>
            <legend>Start from</legend>
            <div class="choices">
              <Choice name="start" value={SCRATCH} checked={choice === SCRATCH} onChange={choose} label="Scratch" description="Your own URL, headers and body templates." />
              {(presets.data ?? []).map((p) => (
                <Choice key={p.id} name="start" value={p.id} checked={choice === p.id} onChange={choose} label={p.name} description={p.description} />
              ))}
            </div>
            <Problem error={presets.error} />
          </fieldset>
          <TextField label="Id (optional)" name="id" value={id} onInput={setId} hint="Letters, digits, - and _; generated when left empty." errors={fieldErrors(error, '$.id')} />
          {preset?.params && (
            <fieldset>
              <legend>{preset.name}: parameters</legend>
              <JsonSchemaForm schema={preset.params} values={values} onChange={setValues} errorsFor={(name) => fieldErrors(error, `$.params.${name}`).concat(fieldErrors(error, `$.${name}`))} />
            </fieldset>
          )}
          {!preset && (
            <fieldset>
              <legend>Request</legend>
              <TextField label="Name" name="name" required value={scratch.name} onInput={(name) => setScratch({ ...scratch, name })} errors={fieldErrors(error, '$.name')} />
              <TextField label="URL template" name="url" required value={scratch.url} onInput={(url) => setScratch({ ...scratch, url })} errors={fieldErrors(error, '$.url')} hint="Handlebars, e.g. https://example.com/customers/{{urlencode customer.id}}" />
              <TextArea label="Body template (JSON)" name="body" rows={5} value={scratch.body} onInput={(body) => setScratch({ ...scratch, body })} errors={fieldErrors(error, '$.body')} />
              <Checkbox label="Sign with Standard Webhooks (a secret is generated and shown once)" checked={scratch.sign} onChange={(sign) => setScratch({ ...scratch, sign })} />
              <p class="muted">Method, headers, auth and delivery policy can be edited after creation.</p>
            </fieldset>
          )}
          <Problem error={error} />
          <div class="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create webhook'}
            </button>
          </div>
        </form>
        <WebhookTrialPanel draft={draft} />
      </div>
    </Layout>
  );
}

function Choice(props: { name: string; value: string; checked: boolean; onChange: (v: string) => void; label: string; description?: string }) {
  const id = `choice-${props.value}`;
  return (
    <div class="choice">
      <input type="radio" id={id} name={props.name} value={props.value} checked={props.checked} onChange={() => props.onChange(props.value)} aria-describedby={props.description ? `${id}-d` : undefined} />
      <label for={id}>{props.label}</label>
      {props.description && (
        <p id={`${id}-d`} class="muted">
          {props.description}
        </p>
      )}
    </div>
  );
}
