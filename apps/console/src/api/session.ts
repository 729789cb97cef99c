/**
 * The signed-in API key, kept in sessionStorage: it lives as long as the tab, is not shared
 * with other tabs or sent anywhere but the API (as `Authorization: Bearer`), and is gone when
 * the tab closes or the user signs out.
 */
const KEY = 'cuewire.apiKey';
const listeners = new Set<() => void>();

export function apiKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signIn(key: string): void {
  sessionStorage.setItem(KEY, key);
  listeners.forEach((l) => l());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** Called whenever the key changes; returns the unsubscribe function. */
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
