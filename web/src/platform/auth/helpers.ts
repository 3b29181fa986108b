/**
 * Where to go after logging in: the `?retour=` path when it is a path of this site, the home page
 * otherwise. Never another origin (`//ailleurs.example`, `https://…`, `/\ailleurs`), never the login
 * pages themselves.
 */
export function safeReturnPath(value: string | null | undefined, origin: string): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(origin).origin) return '/';
  if (url.pathname === '/connexion' || url.pathname.startsWith('/connexion/')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** A TOTP secret in groups of four characters, easier to copy by hand: `ABCD EFGH IJKL`. */
export function groupByFour(secret: string): string {
  return (secret.replace(/\s/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * A ref that focuses its element when it appears: where a step replaced the form that had focus (a
 * success message, the next step's heading). Module-level, so React calls it on mount only.
 */
export function focusOnMount(element: HTMLElement | null): void {
  element?.focus();
}
