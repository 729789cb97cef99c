import { compressedClock } from './clock.js';

describe('compressed clock', () => {
  it('runs speed times faster than the clock it reads, from when it was made', () => {
    let real = 1_000;
    const clock = compressedClock(8_640, () => real);
    expect(clock()).toBe(1_000);
    real += 10_000; // ten real seconds…
    expect(clock() - 1_000).toBe(86_400_000); // …are a day
  });
});
