/** Host names that can only mean this machine. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Why a webhook may not be sent to this URL, or undefined if it may: `https://` anywhere, `http://` only
 * to this machine and only when the service allows it (tests, a receiver in the store's back office).
 * Checked when the webhook is made and again before every attempt, so turning the setting off stops
 * plain-text deliveries at once.
 */
export function urlProblem(url: string, allowHttp: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.username || parsed.password) return 'a webhook URL must not carry a user name or password; the signature is the credential';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:') {
    if (!allowHttp) return 'only https:// URLs (http:// to this machine needs VOUCHSAFE_WEBHOOKS_ALLOW_HTTP=1)';
    return isLoopback(parsed.hostname) ? undefined : 'http:// is only for this machine (localhost, 127.0.0.1, [::1]); use https://';
  }
  return 'only https:// URLs';
}
