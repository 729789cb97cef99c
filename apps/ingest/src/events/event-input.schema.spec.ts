import { parseRequest, RequestValidationError } from '@cuewire/platform';
import { eventInputSchema } from './event-input.schema.js';

function errorsOf(input: unknown): { path: string; message: string }[] {
  try {
    parseRequest(eventInputSchema, input);
  } catch (error) {
    if (error instanceof RequestValidationError) return [...error.errors];
    throw error;
  }
  return [];
}

describe('event input', () => {
  it('accepts a purchase with properties and an ISO event time', () => {
    expect(errorsOf({ customerId: 'c1', type: 'purchase', occurredAt: '2026-11-23T10:00:00Z', properties: { total: 10, items: [] } })).toEqual([]);
  });

  it('names a missing customerId', () => {
    expect(errorsOf({ type: 'purchase' })).toEqual([{ path: '$.customerId', message: expect.stringMatching(/expected string/) }]);
  });

  it('names a bad type and an unknown field', () => {
    const paths = errorsOf({ customerId: 'c1', type: 'has space', color: 'red' }).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['$.type', '$']));
  });

  it('rejects properties that are not an object', () => {
    expect(errorsOf({ customerId: 'c1', type: 'x', properties: [1] }).map((e) => e.path)).toEqual(['$.properties']);
  });
});
