import type { Hono } from 'hono';
import { html } from 'hono/html';
import { ErrorCode } from '../../../contract/problem.js';
import type { AppEnv } from '../../env.js';
import { problemBody, problemPath, problemResponse, STATUS_BY_CODE, TITLES } from '../../problem.js';

/**
 * What a code asks of the caller, beyond its title, where there is more to say. A code without an
 * entry still has its page (title and status), so a new code is never a dead link.
 */
const WHAT_TO_DO: Partial<Record<ErrorCode, string>> = {
  validation_failed:
    'A field is missing, misspelt or out of range: `field` names the first, `errors` every one. A misspelt field name gets a “did you mean”. Times need an offset or Z (2026-12-05T23:00:00Z or 2026-12-05T23:00:00+00:00): a time without one could be any of several instants.',
  malformed_json: 'The body could not be read as JSON. Send it as UTF-8 JSON with Content-Type: application/json.',
  unauthorized: 'Send an API key or a till token as Authorization: Bearer …. An admin makes keys (POST /v1/keys, or vouchsafe keys create).',
  token_expired: 'Ask the back office for a fresh till token (POST /v1/till-tokens) and send the request again.',
  store_forbidden: 'The key serves other stores: use the key made for this store.',
  live_key_required: 'Reports, rule changes and the audit log are about real sales: use a live key.',
  outcome_conflicts_with_decision: 'A sale cannot be recorded after a refusal, or after a hold no supervisor released: record refused or abandoned, or wait for the release.',
  not_held: 'Only a held check has a review.',
  review_closed: 'The hold was already released, refused or expired: read it with GET /v1/checks/{id}/review.',
  idempotency_key_reused: 'Each Idempotency-Key names one request: use a new key for a different body.',
  rate_limited: 'Wait for the seconds in Retry-After, then send the request again.',
  storage_unavailable: 'Nothing was recorded. Send the same request again after Retry-After.',
  service_unavailable: 'The node is starting or stopping: send the request again, or to another node.',
};

function page(code: ErrorCode) {
  const advice = WHAT_TO_DO[code];
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${code}: ${TITLES[code]} — Vouchsafe problems</title>
  <style>body { font: 1.125rem/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; } code { font-size: 1rem; }</style>
</head>
<body>
  <main>
    <h1>${TITLES[code]}</h1>
    <p>Code <code>${code}</code>, HTTP status ${STATUS_BY_CODE[code]}. Branch on <code>code</code> in the problem's body, never on its text.</p>
    ${advice ? html`<p>${advice}</p>` : ''}
    <p><a href="/docs">API reference</a> · <a href="/problems">Every problem</a></p>
  </main>
</body>
</html>`;
}

function index() {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Vouchsafe problems</title></head>
<body>
  <main>
    <h1>Problems the Vouchsafe API answers with</h1>
    <ul>
      ${ErrorCode.options.map((code) => html`<li><a href="${problemPath(code)}"><code>${code}</code></a> (${STATUS_BY_CODE[code]}): ${TITLES[code]}</li>`)}
    </ul>
  </main>
</body>
</html>`;
}

/** `/problems/{code}`: the page every problem's `type` points at, one per stable code; no key needed. */
export function registerProblems(app: Hono<AppEnv>) {
  app.get('/problems', (c) => c.html(index()));
  app.get('/problems/:code', (c) => {
    const parsed = ErrorCode.safeParse(c.req.param('code'));
    if (!parsed.success) return problemResponse(problemBody(c, 'not_found', `No problem is called ${c.req.param('code')}: GET /problems lists them`));
    return c.html(page(parsed.data));
  });
}
