/**
 * The bootstrap admin key every service started by ServiceProcess gets (CUEWIRE_ADMIN_KEY):
 * fixed, so a spec can call any service without creating keys first. Test-only; never deploy it.
 */
export function testAdminKey(): string {
  return 'cuewire-test-admin-key-0123456789abcdef';
}

/** Headers that present an API key (default: the test admin key), plus any others. */
export function authHeaders(extra: Record<string, string> = {}, key = testAdminKey()): Record<string, string> {
  return { authorization: `Bearer ${key}`, ...extra };
}
