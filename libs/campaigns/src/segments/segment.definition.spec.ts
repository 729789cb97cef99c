import { segmentDefinitionSchema, segmentsOf, type Segment } from './segment.definition.js';

const segment = (id: string, input: object): Segment => ({ ...segmentDefinitionSchema.parse({ name: id, ...input }), id, revision: 1 });

describe('segments', () => {
  const vipCanada = segment('vip-ca', { conditions: [{ field: 'vip', op: 'eq', value: true }, { field: 'country', op: 'eq', value: 'CA' }] });
  const northAmerica = segment('na', { match: 'any', conditions: [{ field: 'country', op: 'eq', value: 'CA' }, { field: 'country', op: 'eq', value: 'US' }] });
  const everyone = segment('all', {});

  it('places a profile in every segment whose conditions it satisfies', () => {
    expect(segmentsOf([vipCanada, northAmerica, everyone], { vip: true, country: 'CA' })).toEqual(['vip-ca', 'na', 'all']);
    expect(segmentsOf([vipCanada, northAmerica, everyone], { vip: false, country: 'US' })).toEqual(['na', 'all']);
    expect(segmentsOf([vipCanada, northAmerica, everyone], {})).toEqual(['all']);
  });

  it('rejects unknown operators with a path', () => {
    const result = segmentDefinitionSchema.safeParse({ name: 'x', conditions: [{ field: 'a', op: 'like', value: 1 }] });
    expect(result.error?.issues[0].path).toEqual(['conditions', 0, 'op']);
  });
});
