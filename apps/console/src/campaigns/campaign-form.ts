import type { CampaignInput, CampaignStatus, Trigger } from '../api/console-api';

export const TRIGGER_TYPES = [
  ['event', 'An event'],
  ['all-of', 'All of several events within a window'],
  ['not-followed-by', 'An event not followed by another'],
  ['schedule', 'A schedule, over a segment'],
  ['on-demand', 'On demand, through the API'],
] as const;

/** A new trigger of a kind, keeping the event types already typed where the kinds share them. */
export function triggerOfType(type: Trigger['type'], from?: Trigger): Trigger {
  const first = from?.type === 'event' ? from.eventType : from?.type === 'not-followed-by' ? from.first.eventType : from?.type === 'all-of' ? from.events[0]?.eventType : '';
  switch (type) {
    case 'event':
      return { type, eventType: first ?? '' };
    case 'all-of':
      return { type, events: [{ eventType: first ?? '' }, { eventType: '' }], within: 'P1D' };
    case 'not-followed-by':
      return { type, first: { eventType: first ?? '' }, then: { eventType: '' }, within: 'PT30M' };
    case 'schedule':
      return { type, cron: '0 9 * * 1', timeZone: 'UTC' };
    case 'on-demand':
      return { type };
  }
}

/** Where a campaign may go from a status: draft → live → paused ⇄ live → ended (ended is final). */
export function nextStatuses(status: CampaignStatus): CampaignStatus[] {
  switch (status) {
    case 'draft':
      return ['live'];
    case 'live':
      return ['paused', 'ended'];
    case 'paused':
      return ['live', 'ended'];
    case 'ended':
      return [];
  }
}

export const STATUS_ACTION: Record<CampaignStatus, string> = { draft: 'Back to draft', live: 'Go live', paused: 'Pause', ended: 'End' };

export function emptyCampaign(): CampaignInput {
  return { name: '', status: 'draft', trigger: { type: 'event', eventType: '' }, webhookIds: [] };
}

/**
 * The definition to send: empty optional parts left out (an empty filter list, a cap with no
 * limit), so the API never sees a half-filled section.
 */
export function cleanCampaign(c: CampaignInput): CampaignInput {
  const { filters, caps, window, audience, ...rest } = c;
  const out: CampaignInput = { ...rest };
  if (audience?.segmentId) out.audience = audience;
  const profile = filters?.profile?.length ? filters.profile : undefined;
  const segIn = filters?.segments?.in?.length ? filters.segments.in : undefined;
  const segNotIn = filters?.segments?.notIn?.length ? filters.segments.notIn : undefined;
  const campaigns = filters?.campaigns?.length ? filters.campaigns.map((r) => (r.within ? r : { rule: r.rule, campaignId: r.campaignId })) : undefined;
  if (profile || segIn || segNotIn || campaigns) {
    out.filters = { ...(profile ? { profile } : {}), ...(segIn || segNotIn ? { segments: { ...(segIn ? { in: segIn } : {}), ...(segNotIn ? { notIn: segNotIn } : {}) } } : {}), ...(campaigns ? { campaigns } : {}) };
  }
  if (caps?.perCustomer || caps?.oncePerCustomer) out.caps = { ...(caps.perCustomer ? { perCustomer: caps.perCustomer } : {}), ...(caps.oncePerCustomer ? { oncePerCustomer: true } : {}) };
  if (window?.start || window?.end) out.window = { ...(window.start ? { start: window.start } : {}), ...(window.end ? { end: window.end } : {}), ...(window.timeZone ? { timeZone: window.timeZone } : {}) };
  if (out.trigger.type === 'event' && !out.trigger.where?.length) out.trigger = { type: 'event', eventType: out.trigger.eventType };
  return out;
}

/** An ISO instant as a `datetime-local` input shows it (the browser's time zone), and back. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** One line saying what fires the campaign, for the list. */
export function describeTrigger(t: Trigger): string {
  switch (t.type) {
    case 'event':
      return `${t.eventType}${t.where?.length ? ` (${t.where.length} filter${t.where.length > 1 ? 's' : ''})` : ''}`;
    case 'all-of':
      return `all of ${t.events.map((e) => e.eventType).join(', ')} within ${t.within}`;
    case 'not-followed-by':
      return `${t.first.eventType} not followed by ${t.then.eventType} within ${t.within}`;
    case 'schedule':
      return t.at ? `once at ${t.at}` : `cron ${t.cron} (${t.timeZone ?? 'UTC'})`;
    case 'on-demand':
      return 'on demand';
  }
}
