// Why a "did not buy" webhook reached a buyer: the purchase may have been accepted (appended to
// the events topic) only after the cart add's deadline had passed, when the wait had already
// fired. The evaluator judges a deadline by what was appended before it (the timer watermark,
// docs/reliability.md), so such a purchase is late, which the load generator causes when Kafka
// or ingest refuse its writes for longer than the wait (it retries until they are accepted).
import { randomUUID } from 'node:crypto';
import { Consumer, MessagesStreamModes, stringDeserializer } from '@platformatic/kafka';

/**
 * For each customer, when the cart add (every copy of it) and their purchases were appended,
 * against the cart add's deadline; a customer is
 * `late` when a purchase that happened within the window (by its own time) was appended after the
 * deadline. Reads the run's customer-events topic from the start (or until 60 s pass).
 */
export async function followUpTiming({ runId, infra, modules, serde, customers, first = 'cart_add', then = 'purchase', withinMs }) {
  const wanted = new Set(customers);
  const events = new Map(customers.map((c) => [c, []]));
  const consumer = new Consumer({
    clientId: 'faults-late-events',
    groupId: `faults-late-${randomUUID()}`,
    bootstrapBrokers: infra.kafkaBrokers.split(','),
    deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
    autocommit: false,
    maxWaitTime: 200,
  });
  const stream = await consumer.consume({ topics: [`${runId}.${modules.Topics.customerEvents.name}`], mode: MessagesStreamModes.EARLIEST });
  try {
    // Every customer has a cart add and at least one purchase to judge; stop once quiet.
    await new Promise((resolve) => {
      const stopAt = setTimeout(resolve, 60_000);
      let quiet = setTimeout(resolve, 5_000);
      stream.on('data', async (m) => {
        if (!wanted.has(m.key)) return;
        clearTimeout(quiet);
        quiet = setTimeout(() => {
          clearTimeout(stopAt);
          resolve();
        }, 3_000);
        const event = await serde.decode(m.value).catch(() => undefined);
        if (event) events.get(m.key).push({ type: event.type, eventId: event.eventId, occurredAt: Number(event.occurredAt), appendedAt: Number(m.timestamp) });
      });
    });
  } finally {
    await stream.close().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
  }
  return customers.map((customer) => {
    const seen = events.get(customer);
    const carts = seen.filter((e) => e.type === first);
    const cart = carts[0];
    if (!cart) return { customer, late: false, detail: `no ${first} found` };
    const deadline = cart.occurredAt + withinMs;
    const followUps = seen.filter((e) => e.type === then && e.occurredAt >= cart.occurredAt && e.occurredAt <= deadline);
    const inTime = followUps.filter((e) => e.appendedAt <= deadline);
    const late = followUps.length > 0 && inTime.length === 0;
    const at = (e) => `+${((e.appendedAt - cart.occurredAt) / 1000).toFixed(1)} s`;
    // Copies (the same event id appended again: a client's retry of a write that had gone through).
    return { customer, late, detail: `${first} appended ${carts.map(at).join(', ')}, deadline +${withinMs / 1000} s, ${then} appended ${followUps.map(at).join(', ') || 'never'}` };
  });
}
