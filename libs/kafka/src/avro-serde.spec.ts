import { jest } from '@jest/globals';
import { AvroSerde } from './avro-serde.js';

describe('schema registration', () => {
  it('gives up a registration request that never answers and tries again, instead of hanging the start', async () => {
    const serde = new AvroSerde('http://127.0.0.1:1', 50);
    const register = jest
      .fn<() => Promise<{ id: number }>>()
      .mockReturnValueOnce(new Promise(() => undefined)) // the request that never answers
      .mockResolvedValueOnce({ id: 7 });
    (serde as unknown as { registry: { register: typeof register } }).registry.register = register;
    await expect(serde.schemaId('t', { type: 'string' })).resolves.toBe(7);
    expect(register).toHaveBeenCalledTimes(2);
    expect(serde.lastRegistrationError).toBeUndefined();
  });
});
