import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { signOut } from '../api/session';
import { href } from '../router';

const SECTIONS = [
  ['webhooks', 'Webhooks'],
  ['campaigns', 'Campaigns'],
  ['segments', 'Segments'],
  ['deliveries', 'Deliveries'],
] as const;

/** The frame of every signed-in page: skip link, navigation, sign out, and the page's heading (focused on arrival). */
export function Layout({ section, title, children, actions }: { section: string; title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Cuewire console`;
    // Moving focus to the new page's heading tells screen-reader and keyboard users the page changed.
    heading.current?.focus();
  }, [title]);
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), heading.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('webhooks')}>
          Cuewire
        </a>
        <nav aria-label="Console">
          <ul>
            {SECTIONS.map(([id, label]) => (
              <li key={id}>
                <a href={href(id)} aria-current={section === id ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="secondary sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <div class="page-head">
          <h1 tabIndex={-1} ref={heading}>
            {title}
          </h1>
          {actions && <div class="actions">{actions}</div>}
        </div>
        {children}
      </main>
    </>
  );
}
