import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/webhooks/order-confirmation`): the server serves one page, reloads and
 * bookmarks keep the place, and no server-side fallback is needed.
 */
export interface Route {
  readonly path: string[];
  readonly query: URLSearchParams;
}

export function currentRoute(): Route {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The href of a console page: `href('webhooks', id)` → `#/webhooks/<id>`. */
export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function navigate(...parts: string[]): void {
  location.hash = href(...parts);
}
