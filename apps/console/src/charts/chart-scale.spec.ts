import { yTicks } from './chart-scale';

describe('chart y axis', () => {
  it('steps in 1, 2 or 5 × 10^n from 0 to at least the maximum', () => {
    expect(yTicks(0)).toEqual([0, 1]);
    expect(yTicks(3)).toEqual([0, 1, 2, 3]);
    expect(yTicks(2)).toEqual([0, 1, 2]);
    expect(yTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(yTicks(950)).toEqual([0, 500, 1000]);
    expect(yTicks(1234)).toEqual([0, 500, 1000, 1500]);
  });
});
