import { durationSchema, parseDuration } from './duration.js';

describe('durations', () => {
  it.each([
    ['PT30M', 30 * 60_000],
    ['PT24H', 86_400_000],
    ['P1D', 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['P1DT2H', 93_600_000],
    ['PT1.5S', 1_500],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['P1M', 'P1Y', '30m', 'PT', 'P', '', 'PT-5M'])('refuses %p', (text) => {
    expect(durationSchema.safeParse(text).success).toBe(false);
  });
});
