/**
 * Which web origins may call the API from a browser (a browser-based till), as set in
 * `VOUCHSAFE_CORS_ORIGINS`. Each entry is an origin (`https://till.example.com`, a port if not the
 * scheme's own) or a pattern for every subdomain of one domain (`https://*.tills.example.com`).
 * Anything else is refused when the service starts: a pattern that silently matched nothing would
 * look, from the till, exactly like an outage.
 */

export type OriginPattern = string;

/** The pattern in the form it is matched in, or why it can never match a browser's `Origin`. */
export function parseOriginPattern(text: string): { pattern: OriginPattern } | { problem: string } {
  const wildcard = /^(https?):\/\/\*\.(.+)$/i.exec(text);
  const candidate = wildcard ? `${wildcard[1]}://wildcard.${wildcard[2]}` : text;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { problem: `"${text}" is not an origin: write the scheme and host, like https://till.example.com` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: `"${text}" is not an http or https origin` };
  if (url.username || url.password) return { problem: `"${text}" carries a user name or password; an origin never does` };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return { problem: `"${text}" has a path, query or fragment; a browser's Origin is only scheme, host and port (${url.origin})` };
  }
  if (url.hostname.includes('*') || (!wildcard && text.includes('*'))) {
    return { problem: `"${text}": a * may only stand for the first label of the host, as in https://*.tills.example.com` };
  }
  if (!wildcard) return { pattern: url.origin };
  const domain = url.host.slice('wildcard.'.length);
  if (!domain.includes('.') && !domain.startsWith('localhost')) return { problem: `"${text}" would match every site under .${domain}; name a domain of your own` };
  return { pattern: `${url.protocol}//*.${domain}` };
}

/** Whether a browser's `Origin` header is one the patterns allow. */
export function originAllowed(patterns: readonly OriginPattern[], origin: string | undefined): boolean {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  return patterns.some((pattern) => {
    if (!pattern.includes('*')) return pattern === origin;
    const [scheme, domain] = pattern.split('//*.') as [string, string];
    return url.protocol === scheme && url.host.endsWith(`.${domain}`) && url.host.length > domain.length + 1;
  });
}
