import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `npm start` keeps the admin key it generated: .cuewire/ at the repository root (git-ignored); this file runs from dist/tools/demo/src/. */
export const LOCAL_ADMIN_KEY_FILE = join(import.meta.dirname, '..', '..', '..', '..', '.cuewire', 'admin-key');

/** The local install's admin key, or undefined when `npm start` has not generated one. */
export function readLocalAdminKey(file = LOCAL_ADMIN_KEY_FILE): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The local admin key, generated the first time (32 random bytes, base64url) and kept readable by this user only. */
export function localAdminKey(file = LOCAL_ADMIN_KEY_FILE): { key: string; created: boolean } {
  const existing = readLocalAdminKey(file);
  if (existing) return { key: existing, created: false };
  const key = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}
