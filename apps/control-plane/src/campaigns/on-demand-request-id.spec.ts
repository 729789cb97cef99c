import { RequestValidationError } from '@cuewire/platform';
import { onDemandRequestId } from './on-demand-request-id.js';

describe('on-demand request id', () => {
  it('is the same for a retried request with the same Idempotency-Key, per campaign', () => {
    expect(onDemandRequestId('win-back', 'order-42')).toBe(onDemandRequestId('win-back', 'order-42'));
    expect(onDemandRequestId('win-back', 'order-42')).not.toBe(onDemandRequestId('win-back', 'order-43'));
    expect(onDemandRequestId('win-back', 'order-42')).not.toBe(onDemandRequestId('welcome', 'order-42'));
  });

  it('is new for every request without a key', () => {
    expect(onDemandRequestId('win-back', undefined)).not.toBe(onDemandRequestId('win-back', undefined));
  });

  it.each(['', 'has space', 'x'.repeat(256), 'tab\tkey', 'naïve'])('rejects the key %j, naming the header', (key) => {
    expect(() => onDemandRequestId('win-back', key)).toThrow(RequestValidationError);
    try {
      onDemandRequestId('win-back', key);
    } catch (error) {
      expect((error as RequestValidationError).errors[0].path).toBe('header Idempotency-Key');
    }
  });
});
