import { evaluateCondition, valuesAt } from './condition.evaluator.js';
import { conditionSchema, type Condition } from './condition.schema.js';

const c = (input: object): Condition => conditionSchema.parse(input);
const order = {
  total: 129.5,
  currency: 'EUR',
  category: 'kitchen',
  coupon: null,
  tags: ['gift', 'vip'],
  placedAt: '2026-11-20T10:00:00Z',
  address: { country: 'CA' },
  items: [
    { sku: 'PLATE', price: 89.5, category: 'kitchen' },
    { sku: 'MUG', price: 20, category: 'table' },
  ],
};

describe('conditions', () => {
  it.each([
    [{ field: 'currency', op: 'eq', value: 'EUR' }, true],
    [{ field: 'currency', op: 'eq', value: 'USD' }, false],
    [{ field: 'currency', op: 'neq', value: 'USD' }, true],
    [{ field: 'address.country', op: 'in', value: ['CA', 'US'] }, true],
    [{ field: 'address.country', op: 'not_in', value: ['CA', 'US'] }, false],
    [{ field: 'total', op: 'gt', value: 100 }, true],
    [{ field: 'total', op: 'gte', value: 129.5 }, true],
    [{ field: 'total', op: 'lt', value: 129.5 }, false],
    [{ field: 'total', op: 'lte', value: 129.5 }, true],
    [{ field: 'total', op: 'gt', value: '100' }, false],
    [{ field: 'address.country', op: 'exists' }, true],
    [{ field: 'coupon', op: 'exists' }, false],
    [{ field: 'coupon', op: 'not_exists' }, true],
    [{ field: 'tags', op: 'contains', value: 'vip' }, true],
    [{ field: 'category', op: 'contains', value: 'itch' }, true],
    [{ field: 'placedAt', op: 'before', value: '2026-11-21T00:00:00Z' }, true],
    [{ field: 'placedAt', op: 'after', value: '2026-11-21T00:00:00Z' }, false],
  ])('%j → %s', (condition, expected) => {
    expect(evaluateCondition(c(condition), order)).toBe(expected);
  });

  describe('over items arrays', () => {
    it('holds when any item matches by default', () => {
      expect(evaluateCondition(c({ field: 'items[].price', op: 'gte', value: 50 }), order)).toBe(true);
      expect(evaluateCondition(c({ field: 'items[].category', op: 'eq', value: 'garden' }), order)).toBe(false);
    });

    it('can require every item to match', () => {
      expect(evaluateCondition(c({ field: 'items[].price', op: 'gte', value: 50, match: 'all' }), order)).toBe(false);
      expect(evaluateCondition(c({ field: 'items[].price', op: 'gt', value: 10, match: 'all' }), order)).toBe(true);
    });

    it('finds nothing in an empty or missing array', () => {
      expect(valuesAt({ items: [] }, 'items[].price')).toEqual([]);
      expect(evaluateCondition(c({ field: 'items[].price', op: 'gt', value: 0 }), {})).toBe(false);
    });
  });

  it('treats a missing field as not equal and not in a list', () => {
    expect(evaluateCondition(c({ field: 'nope', op: 'neq', value: 1 }), order)).toBe(true);
    expect(evaluateCondition(c({ field: 'nope', op: 'eq', value: 1 }), order)).toBe(false);
    expect(evaluateCondition(c({ field: 'nope', op: 'not_in', value: [1] }), order)).toBe(true);
  });

  it('never reads inherited properties', () => {
    expect(valuesAt({}, 'constructor')).toEqual([]);
    expect(valuesAt({}, '__proto__')).toEqual([]);
  });

  it('rejects unknown operators and missing or ill-typed values, with the path', () => {
    const issues = (input: object) => conditionSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ field: 'total', op: 'approx', value: 1 })[0]).toMatch(/^op:/);
    expect(issues({ field: 'total', op: 'in', value: 1 })).toEqual(['value: in needs an array']);
    expect(issues({ field: 'total', op: 'gt' })).toEqual(['value: gt needs a value']);
    expect(issues({ field: 'at', op: 'before', value: 'soon' })).toEqual(['value: before needs an ISO 8601 date-time']);
    expect(issues({ field: 'a..b', op: 'exists' })[0]).toMatch(/^field:/);
  });
});
