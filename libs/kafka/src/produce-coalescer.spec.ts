import type { OutgoingRecord } from './records.js';
import { ProduceCoalescer } from './produce-coalescer.js';

const rec = (key: string) => ({ key }) as unknown as OutgoingRecord;

function slowSink() {
  const sends: string[][] = [];
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    sends,
    pending,
    send: (records: readonly OutgoingRecord[]) => {
      sends.push(records.map((r) => r.key));
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('produce coalescer (group commit)', () => {
  it('sends the records asked for in one turn of the event loop together, without waiting longer', async () => {
    const sink = slowSink();
    const coalescer = new ProduceCoalescer(sink);
    const a = coalescer.send([rec('a')]);
    await Promise.resolve(); // a later microtask of the same turn still joins
    const b = coalescer.send([rec('b1'), rec('b2')]);
    expect(sink.sends).toEqual([]);
    await tick();
    expect(sink.sends).toEqual([['a', 'b1', 'b2']]);
    sink.pending[0].resolve();
    await Promise.all([a, b]);
  });

  it('sends records that arrive while a send is in flight together in the next send', async () => {
    const sink = slowSink();
    const coalescer = new ProduceCoalescer(sink);
    const a = coalescer.send([rec('a')]);
    await tick();
    const b = coalescer.send([rec('b')]);
    const c = coalescer.send([rec('c1'), rec('c2')]);
    await tick();
    expect(sink.sends).toEqual([['a']]);
    sink.pending[0].resolve();
    await a;
    await tick();
    expect(sink.sends).toEqual([['a'], ['b', 'c1', 'c2']]);
    sink.pending[1].resolve();
    await Promise.all([b, c]);
  });

  it('fails only the callers whose records were in the failed send', async () => {
    const sink = slowSink();
    const coalescer = new ProduceCoalescer(sink);
    const a = coalescer.send([rec('a')]);
    await tick();
    const b = coalescer.send([rec('b')]);
    await tick();
    sink.pending[0].reject(new Error('broker down'));
    await expect(a).rejects.toThrow('broker down');
    await tick();
    sink.pending[1].resolve();
    await expect(b).resolves.toBeUndefined();
  });

  it('caps one send at maxRecordsPerSend (a single larger caller still goes alone)', async () => {
    const sink = slowSink();
    const coalescer = new ProduceCoalescer(sink, 2);
    void coalescer.send([rec('x')]);
    void coalescer.send([rec('a'), rec('b'), rec('c')]);
    void coalescer.send([rec('d')]);
    await tick();
    sink.pending[0].resolve();
    await tick();
    sink.pending[1].resolve();
    await tick();
    expect(sink.sends).toEqual([['x'], ['a', 'b', 'c'], ['d']]);
  });
});
