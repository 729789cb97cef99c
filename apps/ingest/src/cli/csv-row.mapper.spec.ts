import { csvRowToObject } from './csv-row.mapper.js';

describe('CSV records for the importer', () => {
  it('puts known fields at the top and the rest, typed and nested, in the bag', () => {
    const header = ['customerId', 'type', 'occurredAt', 'total', 'vip', 'zip', 'item.sku'];
    expect(csvRowToObject(header, ['c1', 'purchase', '1795000000000', '12.5', 'true', '007', 'S-1'], ['customerId', 'type', 'occurredAt', 'eventId'], 'properties')).toEqual({
      customerId: 'c1',
      type: 'purchase',
      occurredAt: 1795000000000,
      properties: { total: 12.5, vip: true, zip: '007', item: { sku: 'S-1' } },
    });
  });

  it('reads the cell null as "remove this attribute" for profiles, and skips empty cells', () => {
    expect(csvRowToObject(['customerId', 'city', 'phone'], ['c1', 'null', ''], ['customerId'], 'attributes')).toEqual({ customerId: 'c1', attributes: { city: null } });
  });

  it('names a row with the wrong number of cells', () => {
    expect(() => csvRowToObject(['a', 'b'], ['1'], [], 'x')).toThrow(/1 cells; the header has 2/);
  });
});
