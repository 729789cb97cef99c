import { apiKeysEnvSchema } from './api-keys.env.js';

describe('CUEWIRE_ADMIN_KEY', () => {
  it('is optional; empty counts as unset', () => {
    expect(apiKeysEnvSchema.parse({})).toEqual({});
    expect(apiKeysEnvSchema.parse({ CUEWIRE_ADMIN_KEY: '' }).CUEWIRE_ADMIN_KEY).toBeUndefined();
  });

  it('needs at least 32 characters', () => {
    expect(apiKeysEnvSchema.safeParse({ CUEWIRE_ADMIN_KEY: 'x'.repeat(31) }).success).toBe(false);
    expect(apiKeysEnvSchema.parse({ CUEWIRE_ADMIN_KEY: 'x'.repeat(32) }).CUEWIRE_ADMIN_KEY).toBe('x'.repeat(32));
  });
});
