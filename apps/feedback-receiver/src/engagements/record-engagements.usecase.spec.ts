import type { CustomerEvent } from '@cuewire/contracts';
import type { OutgoingRecord, TypedProducer } from '@cuewire/kafka';
import type { Engagement } from './engagement.js';
import type { EngagementMarksRepository } from './engagement-marks.repository.js';
import { RecordEngagementsUseCase } from './record-engagements.usecase.js';

/** Kafka and Redis stand-ins that log the order of calls (the real ones are covered by e2e). */
function harness() {
  const log: string[] = [];
  const published: CustomerEvent[] = [];
  const seen = new Set<string>();
  const firstOpens = new Map<string, string>();
  let failNextMark = false;
  let failNextSend = false;
  const producer = {
    async send(records: readonly OutgoingRecord[]) {
      if (failNextSend) throw ((failNextSend = false), new Error('broker down'));
      log.push(`send ${records.length}`);
      published.push(...records.map((r) => r.value as CustomerEvent));
    },
  } as unknown as TypedProducer;
  const marks = {
    async alreadySeen(ids: readonly string[]) {
      return new Set(ids.filter((id) => seen.has(id)));
    },
    async markSeen(ids: readonly string[]) {
      if (failNextMark) throw ((failNextMark = false), new Error('crash before the mark'));
      log.push(`mark ${ids.length}`);
      ids.forEach((id) => seen.add(id));
    },
    async claimFirstOpen(deliveryId: string, eventId: string) {
      if (!firstOpens.has(deliveryId)) firstOpens.set(deliveryId, eventId);
      return firstOpens.get(deliveryId) === eventId;
    },
  } as unknown as EngagementMarksRepository;
  return {
    useCase: new RecordEngagementsUseCase(producer, marks),
    log,
    published,
    crashBeforeMark: () => (failNextMark = true),
    failSend: () => (failNextSend = true),
  };
}

const open = (sgEventId: string): Engagement => ({ customerId: 'c1', type: 'email_open', provider: 'sendgrid', deliveryId: 'd1', campaignId: 'k', providerEventId: sgEventId });

describe('recording engagements', () => {
  it('marks only after Kafka acknowledged, and skips what is marked', async () => {
    const h = harness();
    expect(await h.useCase.execute([open('e1')])).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await h.useCase.execute([open('e1')])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(h.log).toEqual(['send 1', 'mark 1']);
  });

  it('marks nothing when the publish fails, so the retry publishes', async () => {
    const h = harness();
    h.failSend();
    await expect(h.useCase.execute([open('e1')])).rejects.toThrow('broker down');
    expect(await h.useCase.execute([open('e1')])).toMatchObject({ accepted: 1 });
    expect(h.published).toHaveLength(1);
  });

  it('republishes after a crash between ack and mark with the same event id and the same first_open', async () => {
    const h = harness();
    h.crashBeforeMark();
    await expect(h.useCase.execute([open('e1')])).rejects.toThrow('crash before the mark');
    await h.useCase.execute([open('e1')]);
    expect(h.published).toHaveLength(2);
    expect(h.published[1].eventId).toBe(h.published[0].eventId);
    expect(h.published.map((e) => JSON.parse(e.properties).first_open)).toEqual([true, true]);
  });

  it('counts a copy inside the same batch once, and flags only the first open of a delivery', async () => {
    const h = harness();
    expect(await h.useCase.execute([open('e1'), open('e1'), open('e2')])).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(h.published.map((e) => JSON.parse(e.properties))).toEqual([
      expect.objectContaining({ first_open: true, deliveryId: 'd1', campaignId: 'k', provider: 'sendgrid', providerEventId: 'e1' }),
      expect.objectContaining({ first_open: false, providerEventId: 'e2' }),
    ]);
  });

  it('never dedupes an engagement with neither a provider event id nor a delivery', async () => {
    const h = harness();
    const anonymous: Engagement = { customerId: 'c1', type: 'push_view', provider: 'api' };
    await h.useCase.execute([anonymous]);
    await h.useCase.execute([anonymous]);
    expect(new Set(h.published.map((e) => e.eventId)).size).toBe(2);
    expect(h.log).toEqual(['send 1', 'mark 0', 'send 1', 'mark 0']);
  });
});
