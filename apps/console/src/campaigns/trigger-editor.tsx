import type { Step, Trigger } from '../api/console-api';
import { ConditionsEditor } from '../ui/conditions-editor';
import { Select, TextField } from '../ui/fields';
import { fromLocalInput, toLocalInput, TRIGGER_TYPES, triggerOfType } from './campaign-form';

const DURATION_HINT = 'ISO 8601: PT30M, PT24H, P7D';

function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (k: string) => string[] };
  return ['UTC', ...(intl.supportedValuesOf?.('timeZone') ?? []).filter((z) => z !== 'UTC')];
}

function StepEditor({ label, step, onChange }: { label: string; step: Step; onChange: (s: Step) => void }) {
  return (
    <fieldset>
      <legend>{label}</legend>
      <TextField label={`${label}: event type`} value={step.eventType} onInput={(eventType) => onChange({ ...step, eventType })} placeholder="cart_add" />
      <ConditionsEditor legend={`${label}: property filters`} conditions={step.where ?? []} onChange={(where) => onChange({ ...step, where: where.length ? where : undefined })} />
    </fieldset>
  );
}

/** One editor per trigger kind; switching kinds keeps what they share. */
export function TriggerEditor({ trigger, onChange, errors }: { trigger: Trigger; onChange: (t: Trigger) => void; errors: (path: string) => string[] }) {
  return (
    <fieldset class="stack">
      <legend>Trigger</legend>
      <Select label="Fires on" name="triggerType" value={trigger.type} options={TRIGGER_TYPES} onChange={(type) => onChange(triggerOfType(type, trigger))} errors={errors('$.trigger')} />
      {trigger.type === 'event' && (
        <>
          <TextField label="Event type" name="eventType" value={trigger.eventType} onInput={(eventType) => onChange({ ...trigger, eventType })} placeholder="purchase" errors={errors('$.trigger.eventType')} />
          <ConditionsEditor legend="Event property filters" conditions={trigger.where ?? []} onChange={(where) => onChange({ ...trigger, where })} errors={errors('$.trigger.where')} />
        </>
      )}
      {trigger.type === 'all-of' && (
        <>
          {trigger.events.map((step, i) => (
            <div key={i}>
              <StepEditor label={`Event ${i + 1}`} step={step} onChange={(s) => onChange({ ...trigger, events: trigger.events.map((e, j) => (j === i ? s : e)) })} />
              {trigger.events.length > 2 && (
                <button type="button" class="secondary" onClick={() => onChange({ ...trigger, events: trigger.events.filter((_, j) => j !== i) })}>
                  Remove event {i + 1}
                </button>
              )}
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => onChange({ ...trigger, events: [...trigger.events, { eventType: '' }] })}>
            Add event
          </button>
          <TextField label="All within" name="within" value={trigger.within} onInput={(within) => onChange({ ...trigger, within })} hint={DURATION_HINT} errors={errors('$.trigger.within')} />
        </>
      )}
      {trigger.type === 'not-followed-by' && (
        <>
          <StepEditor label="First event" step={trigger.first} onChange={(first) => onChange({ ...trigger, first })} />
          <StepEditor label="Not followed by" step={trigger.then} onChange={(then) => onChange({ ...trigger, then })} />
          <TextField label="Within" name="within" value={trigger.within} onInput={(within) => onChange({ ...trigger, within })} hint={DURATION_HINT} errors={errors('$.trigger.within')} />
        </>
      )}
      {trigger.type === 'schedule' && (
        <>
          <Select
            label="Runs"
            name="scheduleMode"
            value={trigger.at !== undefined ? 'once' : 'cron'}
            options={[['once', 'Once, at a time'], ['cron', 'Recurring (cron)']] as const}
            onChange={(mode) => onChange(mode === 'once' ? { type: 'schedule', at: fromLocalInput(toLocalInput(new Date(Date.now() + 3_600_000).toISOString())), timeZone: trigger.timeZone } : { type: 'schedule', cron: '0 9 * * 1', timeZone: trigger.timeZone })}
          />
          {trigger.at !== undefined ? (
            <TextField label="At (your local time)" type="datetime-local" name="at" value={toLocalInput(trigger.at)} onInput={(v) => onChange({ ...trigger, at: fromLocalInput(v) ?? '' })} errors={errors('$.trigger.at')} />
          ) : (
            <TextField label="Cron pattern" name="cron" value={trigger.cron ?? ''} onInput={(cron) => onChange({ ...trigger, cron })} hint="minute hour day month weekday: 0 9 * * 1 is Mondays at 09:00" errors={errors('$.trigger.cron')} />
          )}
          <Select label="Time zone" name="timeZone" value={trigger.timeZone ?? 'UTC'} options={timeZones()} onChange={(timeZone) => onChange({ ...trigger, timeZone })} errors={errors('$.trigger.timeZone')} />
          <p class="muted">A scheduled campaign runs over its audience segment (below).</p>
        </>
      )}
      {trigger.type === 'on-demand' && <p class="muted">Fired through the API (POST /v1/campaigns/:id/trigger) for listed customers or a segment; try it from this page once saved.</p>}
    </fieldset>
  );
}
