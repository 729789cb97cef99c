/** Time as the evaluator sees it; tests inject their own so they never sleep through windows. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
