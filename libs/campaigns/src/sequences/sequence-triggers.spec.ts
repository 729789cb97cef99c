import { allOfOnEvent, emptyAllOf } from './all-of.trigger.js';
import { emptyNotFollowedBy, ENDED_MEMORY_MS, notFollowedByKeepUntil, notFollowedByLive, notFollowedByOnEvent, notFollowedByOnTimer, timerIdFor, type NotFollowedBySpec } from './not-followed-by.trigger.js';
import type { SequenceEvent } from './sequence.types.js';

const MIN = 60_000;
const ev = (eventId: string, type: string, occurredAt: number, properties: object = {}): SequenceEvent => ({ eventId, type, occurredAt, properties });

describe('all-of trigger (any order, within a window)', () => {
  const steps = [{ eventType: 'app_launch' }, { eventType: 'notification_view' }];
  const hour = 60 * MIN;

  /** Feeds events in order from `from`; the firings and the state after. */
  const run = (events: SequenceEvent[], from = emptyAllOf()) => {
    let state = from;
    const fired: string[][] = [];
    for (const e of events) {
      const t = allOfOnEvent(steps, hour, state, e);
      state = t.state;
      fired.push(...t.fired);
    }
    return { fired, state };
  };
  const feed = (events: SequenceEvent[]) => run(events).fired;

  it('fires when both happen within the window, in either order', () => {
    expect(feed([ev('a', 'app_launch', 0), ev('b', 'notification_view', 30 * MIN)])).toEqual([['a', 'b']]);
    expect(feed([ev('b', 'notification_view', 0), ev('a', 'app_launch', 30 * MIN)])).toEqual([['a', 'b']]);
  });

  it('fires at exactly the window length, not one millisecond later', () => {
    expect(feed([ev('a', 'app_launch', 0), ev('b', 'notification_view', hour)])).toEqual([['a', 'b']]);
    expect(feed([ev('a', 'app_launch', 0), ev('b', 'notification_view', hour + 1)])).toEqual([]);
  });

  it('uses the latest occurrence, so an old A followed by a fresh A still pairs with B', () => {
    expect(feed([ev('a1', 'app_launch', 0), ev('a2', 'app_launch', 2 * hour), ev('b', 'notification_view', 2 * hour + MIN)])).toEqual([['a2', 'b']]);
  });

  it('needs a fresh set after firing', () => {
    expect(feed([ev('a', 'app_launch', 0), ev('b', 'notification_view', MIN), ev('b2', 'notification_view', 2 * MIN)])).toEqual([['a', 'b']]);
  });

  it('fires the same set again when the completing event is replayed (its trigger was never acknowledged)', () => {
    const a = allOfOnEvent(steps, hour, emptyAllOf(), ev('a', 'app_launch', 0));
    const fired = allOfOnEvent(steps, hour, a.state, ev('b', 'notification_view', MIN));
    const replayed = allOfOnEvent(steps, hour, fired.state, ev('b', 'notification_view', MIN));
    expect(replayed.fired).toEqual([['a', 'b']]);
    expect(replayed.state).toEqual(fired.state);
  });

  it('replays a whole uncommitted stretch the same way: one firing per completed set, no extra start', () => {
    const stretch = [ev('a', 'app_launch', 0), ev('b', 'notification_view', MIN), ev('a2', 'app_launch', 2 * MIN), ev('b2', 'notification_view', 3 * MIN), ev('a3', 'app_launch', 4 * MIN)];
    const firstPass = run(stretch);
    const replay = run(stretch, firstPass.state);
    expect(firstPass.fired).toEqual([['a', 'b'], ['a2', 'b2']]);
    expect(replay.fired).toEqual(firstPass.fired);
    // a3 still waits for its partner, and the consumed a, a2 did not start new sets.
    expect(allOfOnEvent(steps, hour, replay.state, ev('b3', 'notification_view', 5 * MIN)).fired).toEqual([['a3', 'b3']]);
  });

  it('respects step filters', () => {
    const filtered = [{ eventType: 'purchase', where: [{ field: 'total', op: 'gte' as const, value: 100, match: 'any' as const }] }, { eventType: 'review' }];
    const t1 = allOfOnEvent(filtered, hour, emptyAllOf(), ev('p', 'purchase', 0, { total: 50 }));
    expect(allOfOnEvent(filtered, hour, t1.state, ev('r', 'review', MIN)).fired).toEqual([]);
  });
});

describe('not-followed-by trigger', () => {
  const spec: NotFollowedBySpec = {
    campaignId: 'abandoned-cart',
    customerId: 'c1',
    first: { eventType: 'cart_add' },
    then: { eventType: 'purchase' },
    withinMs: 30 * MIN,
  };

  it('asks for a durable timer at A + T, and fires when it comes due with A still pending', () => {
    const t = notFollowedByOnEvent(spec, emptyNotFollowedBy(), ev('cart-1', 'cart_add', 0));
    expect(t.schedule).toEqual([{ timerId: timerIdFor('abandoned-cart', 'c1', 'cart-1'), dueAt: 30 * MIN }]);
    expect(notFollowedByOnTimer(spec, t.state, t.schedule[0].timerId, 30 * MIN).fired).toEqual([['cart-1']]);
  });

  it('does not fire when B arrives in time, and cancels the timer', () => {
    const a = notFollowedByOnEvent(spec, emptyNotFollowedBy(), ev('cart-1', 'cart_add', 0));
    const b = notFollowedByOnEvent(spec, a.state, ev('buy-1', 'purchase', 29 * MIN));
    expect(b.cancel).toEqual([a.schedule[0].timerId]);
    expect(notFollowedByOnTimer(spec, b.state, a.schedule[0].timerId, 30 * MIN).fired).toEqual([]);
  });

  it('fires when B comes after the deadline', () => {
    const a = notFollowedByOnEvent(spec, emptyNotFollowedBy(), ev('cart-1', 'cart_add', 0));
    const b = notFollowedByOnEvent(spec, a.state, ev('buy-1', 'purchase', 31 * MIN));
    expect(notFollowedByOnTimer(spec, b.state, a.schedule[0].timerId, 31 * MIN).fired).toEqual([['cart-1']]);
  });

  it('fires once even when the timer is delivered twice (restart, rebalance)', () => {
    const a = notFollowedByOnEvent(spec, emptyNotFollowedBy(), ev('cart-1', 'cart_add', 0));
    const first = notFollowedByOnTimer(spec, a.state, a.schedule[0].timerId, 40 * MIN);
    expect(notFollowedByOnTimer(spec, first.state, a.schedule[0].timerId, 41 * MIN).fired).toEqual([]);
  });

  it('ignores a timer that is not yet due (clock skew between replicas)', () => {
    const a = notFollowedByOnEvent(spec, emptyNotFollowedBy(), ev('cart-1', 'cart_add', 0));
    expect(notFollowedByOnTimer(spec, a.state, a.schedule[0].timerId, 29 * MIN).fired).toEqual([]);
  });

  it('starts no second wait for the replay of an A it already waits on, but asks for its timer again', () => {
    const a = notFollowedByOnEvent(spec, emptyNotFollowedBy(), ev('cart-1', 'cart_add', 0));
    const replay = notFollowedByOnEvent(spec, a.state, ev('cart-1', 'cart_add', 0));
    expect(replay.state).toEqual(a.state);
    // The same timer (id and due time): a Redis failover may have lost it while the wait survived.
    expect(replay.schedule).toEqual(a.schedule);
  });

  // A client retrying a write that had gone through appends A again after B (and B again after
  // it): a second wait, its deadline past by then, would fire before B's copy is processed.
  it('starts no wait for a copy of an A whose wait B ended, even past its deadline', () => {
    const a = notFollowedByOnEvent(spec, emptyNotFollowedBy(), ev('cart-1', 'cart_add', 0), 0);
    const b = notFollowedByOnEvent(spec, a.state, ev('buy-1', 'purchase', MIN), MIN);
    expect(b.state.pending).toEqual([]);
    expect(notFollowedByLive(b.state, MIN)).toBe(true);
    const copy = notFollowedByOnEvent(spec, b.state, ev('cart-1', 'cart_add', 0), 45 * MIN);
    expect(copy.schedule).toEqual([]);
    expect(copy.state.pending).toEqual([]);
    // A new cart add (another event id) still waits.
    expect(notFollowedByOnEvent(spec, copy.state, ev('cart-2', 'cart_add', 46 * MIN), 46 * MIN).schedule).toHaveLength(1);
  });

  it('starts no wait for a copy of an A whose wait fired', () => {
    const a = notFollowedByOnEvent(spec, emptyNotFollowedBy(), ev('cart-1', 'cart_add', 0), 0);
    const fired = notFollowedByOnTimer(spec, a.state, a.schedule[0].timerId, 30 * MIN);
    expect(fired.fired).toEqual([['cart-1']]);
    expect(notFollowedByOnEvent(spec, fired.state, ev('cart-1', 'cart_add', 0), 31 * MIN).schedule).toEqual([]);
  });

  it('forgets an ended wait ENDED_MEMORY_MS past its deadline, and then holds nothing', () => {
    const a = notFollowedByOnEvent(spec, emptyNotFollowedBy(), ev('cart-1', 'cart_add', 0), 0);
    const b = notFollowedByOnEvent(spec, a.state, ev('buy-1', 'purchase', MIN), MIN);
    const forgetAt = 30 * MIN + ENDED_MEMORY_MS;
    expect(notFollowedByKeepUntil(b.state)).toBe(forgetAt);
    expect(notFollowedByKeepUntil(a.state)).toBeUndefined(); // a wait pending: kept as long as progress is
    expect(notFollowedByLive(b.state, forgetAt - 1)).toBe(true);
    expect(notFollowedByLive(b.state, forgetAt)).toBe(false);
    expect(notFollowedByOnEvent(spec, b.state, ev('cart-1', 'cart_add', 0), forgetAt).schedule).toHaveLength(1);
  });

  it('remembers at most MAX_PENDING ended waits, the latest', () => {
    let state = emptyNotFollowedBy();
    for (let i = 0; i < 25; i++) {
      state = notFollowedByOnEvent(spec, state, ev(`cart-${i}`, 'cart_add', i * MIN), i * MIN).state;
      state = notFollowedByOnEvent(spec, state, ev(`buy-${i}`, 'purchase', i * MIN + 1), i * MIN + 1).state;
    }
    expect(state.ended?.map((e) => e.eventId)).toEqual(Array.from({ length: 20 }, (_, i) => `cart-${i + 5}`));
  });
});
