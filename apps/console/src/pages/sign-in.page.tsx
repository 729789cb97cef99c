import { useEffect, useState } from 'preact/hooks';
import { ApiError, checkKey } from '../api/console-api';
import { signIn } from '../api/session';
import { TextField } from '../ui/fields';

/** Sign in with an API key that has the admin scope; the key is checked against the API before it is kept. */
export function SignInPage() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => void (document.title = 'Sign in · Cuewire console'), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await checkKey(key.trim());
      signIn(key.trim());
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? `${err.title}: check the key and try again.`
          : err instanceof ApiError && err.status === 403
            ? 'This key has no admin scope; the console needs an admin key.'
            : err instanceof Error
              ? err.message
              : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Cuewire console</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <p id="sign-in-help">Sign in with an admin API key (cwk_…, or the bootstrap key). It is kept in this tab only, until you sign out or close it.</p>
        <TextField label="API key" type="password" name="apiKey" autoComplete="off" required value={key} onInput={setKey} errors={error ? [error] : []} />
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
