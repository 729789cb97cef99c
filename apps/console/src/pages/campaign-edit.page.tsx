import { useEffect, useState } from 'preact/hooks';
import { campaignInputOf, campaignsApi, etagAfterWrite, segmentsApi, webhooksApi, type CampaignInput, type CampaignRule, type CampaignStatus } from '../api/console-api';
import { cleanCampaign, emptyCampaign, fromLocalInput, nextStatuses, STATUS_ACTION, toLocalInput } from '../campaigns/campaign-form';
import { TriggerEditor } from '../campaigns/trigger-editor';
import { href, navigate } from '../router';
import { ConditionsEditor } from '../ui/conditions-editor';
import { Checkbox, Select, TextField } from '../ui/fields';
import { Layout } from '../ui/layout';
import { fieldErrors, Problem } from '../ui/problem';
import { useLoad } from '../ui/use-load';

const RULES = [
  ['received', 'received'],
  ['not_received', 'did not receive'],
  ['clicked', 'clicked'],
  ['not_clicked', 'did not click'],
] as const;

/** The campaign builder: trigger of any kind, audience, profile/segment/campaign filters, caps, window, webhooks, status. */
export function CampaignEditPage({ id }: { id?: string }) {
  const refs = useLoad(() => Promise.all([webhooksApi.list(), segmentsApi.list(), campaignsApi.list()]), []);
  const loaded = useLoad(async () => (id ? campaignsApi.get(id) : undefined), [id]);
  const [draft, setDraft] = useState<CampaignInput>();
  const [etag, setEtag] = useState<string>();
  const [newId, setNewId] = useState('');
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    if (!id) setDraft(emptyCampaign());
    else if (loaded.data) {
      setDraft(campaignInputOf(loaded.data.data));
      setEtag(loaded.data.etag);
    }
  }, [id, loaded.data]);

  const [webhooks = [], segments = [], campaigns = []] = refs.data ?? [];
  if (!draft)
    return (
      <Layout section="campaigns" title="Campaign">
        <Problem error={loaded.error} />
        {loaded.loading && <p>Loading…</p>}
      </Layout>
    );

  const set = (patch: Partial<CampaignInput>) => setDraft({ ...draft, ...patch });
  const errors = (path: string) => fieldErrors(error, path);
  const save = async (status: CampaignStatus = draft.status) => {
    setError(undefined);
    setNotice(undefined);
    try {
      const input = cleanCampaign({ ...draft, status });
      if (!id) {
        const created = await campaignsApi.create({ ...input, ...(newId ? { id: newId } : {}) });
        navigate('campaigns', created.id);
        return;
      }
      const saved = await campaignsApi.replace(id, input, etag);
      setDraft(campaignInputOf(saved.data));
      setEtag(await etagAfterWrite(saved, Boolean(etag), () => campaignsApi.get(id)));
      setNotice(status === loaded.data?.data.status ? 'Saved.' : `Saved; the campaign is ${status}.`);
      loaded.reload();
    } catch (e) {
      setError(e);
    }
  };
  const filters = draft.filters ?? {};
  const rules = filters.campaigns ?? [];
  const setRules = (campaigns: CampaignRule[]) => set({ filters: { ...filters, campaigns } });
  const segmentOptions = [['', '(none)'] as const, ...segments.map((s) => [s.id, s.name] as const)];
  const toggleIn = (list: string[] | undefined, value: string, on: boolean) => (on ? [...(list ?? []), value] : (list ?? []).filter((v) => v !== value));
  const savedStatus = loaded.data?.data.status ?? 'draft';

  return (
    <Layout
      section="campaigns"
      title={id ? (loaded.data?.data.name ?? id) : 'New campaign'}
      actions={
        id && (
          <>
            <span class={`badge ${savedStatus}`}>{savedStatus}</span>
            {nextStatuses(savedStatus).map((s) => (
              <button key={s} type="button" class="secondary" onClick={() => save(s)}>
                {STATUS_ACTION[s]}
              </button>
            ))}
            <a href={href('campaigns', id, 'figures')}>Figures</a>
          </>
        )
      }
    >
      <div aria-live="polite">{notice && <p class="notice">{notice}</p>}</div>
      <Problem error={refs.error ?? error} />
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div class="grid-2">
          {!id && <TextField label="Id (optional)" name="id" value={newId} onInput={setNewId} errors={errors('$.id')} />}
          <TextField label="Campaign name" name="name" value={draft.name} onInput={(name) => set({ name })} errors={errors('$.name')} />
        </div>
        <TriggerEditor trigger={draft.trigger} onChange={(trigger) => set({ trigger })} errors={errors} />
        <fieldset class="stack">
          <legend>Who</legend>
          <Select label="Audience segment" name="audience" value={draft.audience?.segmentId ?? ''} options={segmentOptions} onChange={(segmentId) => set({ audience: segmentId ? { segmentId } : undefined })} errors={errors('$.audience')} hint="Required for a schedule: who it runs over." />
          <ConditionsEditor legend="Profile filters" conditions={filters.profile ?? []} onChange={(profile) => set({ filters: { ...filters, profile } })} errors={errors('$.filters.profile')} />
          {segments.length > 0 && (
            <fieldset>
              <legend>Segment filters</legend>
              <table>
                <caption class="visually-hidden">In or not in each segment</caption>
                <thead>
                  <tr>
                    <th scope="col">Segment</th>
                    <th scope="col">Must be in</th>
                    <th scope="col">Must not be in</th>
                  </tr>
                </thead>
                <tbody>
                  {segments.map((s) => (
                    <tr key={s.id}>
                      <th scope="row">{s.name}</th>
                      <td>
                        <input type="checkbox" aria-label={`Must be in ${s.name}`} checked={filters.segments?.in?.includes(s.id) ?? false} onChange={(e) => set({ filters: { ...filters, segments: { ...filters.segments, in: toggleIn(filters.segments?.in, s.id, e.currentTarget.checked) } } })} />
                      </td>
                      <td>
                        <input type="checkbox" aria-label={`Must not be in ${s.name}`} checked={filters.segments?.notIn?.includes(s.id) ?? false} onChange={(e) => set({ filters: { ...filters, segments: { ...filters.segments, notIn: toggleIn(filters.segments?.notIn, s.id, e.currentTarget.checked) } } })} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </fieldset>
          )}
          <fieldset>
            <legend>Rules on other campaigns</legend>
            {rules.map((r, i) => (
              <div class="condition-row" key={i}>
                <Select label={`Rule ${i + 1}: the customer`} value={r.rule} options={RULES} onChange={(rule) => setRules(rules.map((x, j) => (j === i ? { ...x, rule } : x)))} />
                <Select label="Campaign" value={r.campaignId} options={[['', '(choose)'] as const, ...campaigns.filter((c) => c.id !== id).map((c) => [c.id, c.name] as const)]} onChange={(campaignId) => setRules(rules.map((x, j) => (j === i ? { ...x, campaignId } : x)))} />
                <TextField label="Within (optional)" value={r.within ?? ''} onInput={(within) => setRules(rules.map((x, j) => (j === i ? { ...x, within: within || undefined } : x)))} hint="P7D" />
                <button type="button" class="secondary" aria-label={`Remove rule ${i + 1}`} onClick={() => setRules(rules.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </div>
            ))}
            {errors('$.filters.campaigns').map((e) => (
              <p class="field-error" key={e}>
                {e}
              </p>
            ))}
            <button type="button" class="secondary" onClick={() => setRules([...rules, { rule: 'not_received', campaignId: '' }])}>
              Add rule
            </button>
          </fieldset>
        </fieldset>
        <fieldset>
          <legend>Caps and window</legend>
          <div class="grid-2">
            <TextField label="At most (per customer)" type="number" name="capMax" value={draft.caps?.perCustomer ? String(draft.caps.perCustomer.max) : ''} onInput={(v) => set({ caps: { ...draft.caps, perCustomer: v ? { max: Number(v), period: draft.caps?.perCustomer?.period ?? 'P1D' } : undefined } })} errors={errors('$.caps')} />
            <TextField label="Per period" name="capPeriod" value={draft.caps?.perCustomer?.period ?? ''} onInput={(period) => draft.caps?.perCustomer && set({ caps: { ...draft.caps, perCustomer: { ...draft.caps.perCustomer, period } } })} hint="P1D; set a maximum first" />
            <Checkbox label="Once per customer, ever" checked={draft.caps?.oncePerCustomer ?? false} onChange={(oncePerCustomer) => set({ caps: { ...draft.caps, oncePerCustomer } })} />
          </div>
          <div class="grid-2">
            <TextField label="Starts (your local time)" type="datetime-local" name="windowStart" value={toLocalInput(draft.window?.start)} onInput={(v) => set({ window: { ...draft.window, start: fromLocalInput(v) } })} errors={errors('$.window.start')} />
            <TextField label="Ends (your local time)" type="datetime-local" name="windowEnd" value={toLocalInput(draft.window?.end)} onInput={(v) => set({ window: { ...draft.window, end: fromLocalInput(v) } })} errors={errors('$.window.end')} />
          </div>
        </fieldset>
        <fieldset>
          <legend>Webhooks to call</legend>
          {webhooks.length === 0 && <p>No webhooks yet: create one first.</p>}
          {webhooks.map((w) => (
            <Checkbox key={w.id} label={`${w.name} (${w.id})`} checked={draft.webhookIds.includes(w.id)} onChange={(on) => set({ webhookIds: toggleIn(draft.webhookIds, w.id, on) })} />
          ))}
          {errors('$.webhookIds').map((e) => (
            <p class="field-error" key={e}>
              {e}
            </p>
          ))}
        </fieldset>
        {draft.variants && (
          <fieldset>
            <legend>A/B test</legend>
            <p>
              {draft.variants.map((v) => `${v.name ?? v.id} (${v.id}) ${v.weight} %`).join(' · ')}
              {draft.controlGroup && ` · control group ${draft.controlGroup.weight} % (sent nothing)`}
            </p>
            <p class="muted">Kept as it is when you save here; variants are edited through the API (PUT /v1/campaigns/{'{id}'}). Each customer keeps their variant when weights change.</p>
          </fieldset>
        )}
        {id && draft.trigger.type === 'on-demand' && <TriggerNow id={id} segments={segmentOptions} />}
        <div class="actions">
          <button type="submit">{id ? 'Save' : 'Create campaign'}</button>
          {!id && (
            <button type="button" class="secondary" onClick={() => save('live')}>
              Create and go live
            </button>
          )}
        </div>
      </form>
    </Layout>
  );
}

function TriggerNow({ id, segments }: { id: string; segments: readonly (readonly [string, string])[] }) {
  const [customers, setCustomers] = useState('');
  const [segmentId, setSegmentId] = useState('');
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<unknown>();
  const fire = async () => {
    setError(undefined);
    try {
      const ids = customers
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      setResult(JSON.stringify(await campaignsApi.trigger(id, segmentId ? { segmentId } : { customerIds: ids })));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <fieldset>
      <legend>Trigger now</legend>
      <div class="grid-2">
        <TextField label="Customer ids (comma-separated)" value={customers} onInput={setCustomers} />
        <Select label="Or a segment" value={segmentId} options={segments} onChange={setSegmentId} />
      </div>
      <button type="button" class="secondary" onClick={fire}>
        Trigger
      </button>
      <div aria-live="polite">{result && <p class="notice">Triggered: {result}</p>}</div>
      <Problem error={error} />
    </fieldset>
  );
}
