/** Time as the evaluator sees it; tests inject their own so they never sleep through windows. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

/**
 * A clock that runs `speed` times faster than real time from the moment it is made: with
 * speed 8640 a 24-hour window passes in 10 seconds. For end-to-end tests and demos of long
 * windows only (EVALUATOR_CLOCK_SPEED); production runs at 1.
 */
export function compressedClock(speed: number, now: () => number = Date.now): Clock {
  const start = now();
  return () => start + (now() - start) * speed;
}
