import { InflightBytesAccountant } from './inflight-bytes.accountant.js';

describe('in-flight byte accountant', () => {
  it('admits requests until the bound, then refuses until bytes are released', () => {
    const acc = new InflightBytesAccountant(100);
    expect(acc.tryAcquire(60)).toBe(true);
    expect(acc.tryAcquire(40)).toBe(true);
    expect(acc.saturated).toBe(true);
    expect(acc.tryAcquire(1)).toBe(false);
    acc.release(60);
    expect(acc.bytes).toBe(40);
    expect(acc.tryAcquire(60)).toBe(true);
  });

  it('admits one oversized request when nothing else is in flight, so it is never starved', () => {
    const acc = new InflightBytesAccountant(10);
    expect(acc.tryAcquire(500)).toBe(true);
    expect(acc.tryAcquire(1)).toBe(false);
    acc.release(500);
    expect(acc.bytes).toBe(0);
  });

  it('never goes negative on a double release', () => {
    const acc = new InflightBytesAccountant(10);
    acc.tryAcquire(5);
    acc.release(5);
    acc.release(5);
    expect(acc.bytes).toBe(0);
  });

  it('lets a waiting acquirer in once enough bytes are released', async () => {
    const acc = new InflightBytesAccountant(100);
    acc.tryAcquire(90);
    let admitted = false;
    const waiting = acc.acquire(50).then(() => (admitted = true));
    await Promise.resolve();
    expect(admitted).toBe(false);
    acc.release(30);
    await Promise.resolve();
    expect(admitted).toBe(false);
    acc.release(60);
    await waiting;
    expect(acc.bytes).toBe(50);
  });
});
