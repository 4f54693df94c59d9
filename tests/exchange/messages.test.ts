import { describe, expect, it } from 'vitest';
import { blindCard } from '../../src/exchange/oprf.js';
import { signRequest } from '../../src/exchange/signing.js';
import { startExchange } from '../helpers/exchange.js';

type Exchange = Awaited<ReturnType<typeof startExchange>>;

/** A request to the exchange, signed as `memberId` (with `signAs`'s key when given), or sent as is. */
async function send(exchange: Exchange, path: string, body: string | undefined, sign: { memberId: string; signAs?: string; at?: number } | null, extra: Record<string, string> = {}) {
  const method = body === undefined ? 'GET' : 'POST';
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
  if (sign) Object.assign(headers, signRequest(exchange.privateKey(sign.signAs ?? sign.memberId), sign.memberId, { method, pathAndQuery: path, body: body ?? '' }, sign.at ?? Date.now()));
  const response = await fetch(`${exchange.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

const ALERT = { district: 'AL3', at: '2026-12-05T10:15:00Z', brands: ['apple', 'google_play'], valueBand: '500_to_999', action: 'refused' };

/** What the other member sees of this card and of alerts in AL3: the proof that nothing changed. */
async function seen(exchange: Exchange) {
  const south = exchange.member('south-retail', { timeoutMs: 5_000 });
  const signal = await south.cardSignal('tok_probe_card', 'under_100');
  return { card: signal.facts.otherRetailersToday, alerts: (await south.alerts(['AL3'], Date.now() - 3_600_000)).length };
}

describe('member messages the exchange refuses, changing nothing', () => {
  it('unsigned, forged, from an unknown member, stale or replayed: 401 with the fault named', async () => {
    const exchange = await startExchange();
    const before = await seen(exchange);
    const body = JSON.stringify(ALERT);

    const unsigned = await send(exchange, '/v1/alerts', body, null);
    expect(unsigned.status).toBe(401);
    expect(unsigned.json).toMatchObject({ code: 'unauthorized', fault: 'unsigned' });

    // North's id with south's key: a member cannot speak for another.
    const forged = await send(exchange, '/v1/alerts', body, { memberId: 'north-retail', signAs: 'south-retail' });
    expect(forged.json).toMatchObject({ code: 'unauthorized', fault: 'bad_signature' });

    const unknown = await send(exchange, '/v1/alerts', body, { memberId: 'east-retail', signAs: 'north-retail' });
    expect(unknown.json).toMatchObject({ code: 'unauthorized', fault: 'unknown_member' });

    const stale = await send(exchange, '/v1/alerts', body, { memberId: 'north-retail', at: Date.now() - 10 * 60_000 });
    expect(stale.json).toMatchObject({ code: 'unauthorized', fault: 'stale_timestamp' });

    // A signed body changed on the way: the signature no longer matches.
    const headers = signRequest(exchange.privateKey('north-retail'), 'north-retail', { method: 'POST', pathAndQuery: '/v1/alerts', body }, Date.now());
    const tampered = await fetch(`${exchange.url}/v1/alerts`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: body.replace('AL3', 'AL4') });
    expect(tampered.status).toBe(401);
    // Signed for one route, sent to another.
    const moved = await fetch(`${exchange.url}/v1/cards/sightings`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    expect(moved.status).toBe(401);

    expect(await seen(exchange)).toEqual(before);

    // The real thing once, then the very same request again: the replay is refused.
    const once = await fetch(`${exchange.url}/v1/alerts`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    expect(once.status).toBe(201);
    const replayed = await fetch(`${exchange.url}/v1/alerts`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ fault: 'replayed' });
    expect((await seen(exchange)).alerts).toBe(before.alerts + 1);
    expect(exchange.logLines.join('\n')).toContain('"fault":"bad_signature"');
  });

  it('signed but malformed: 400 naming the field, and nothing recorded', async () => {
    const exchange = await startExchange();
    const before = await seen(exchange);
    const north = { memberId: 'north-retail' };
    const cases: Array<[string, string, string | undefined]> = [
      ['/v1/alerts', '{"district": "AL3",', undefined],
      ['/v1/alerts', JSON.stringify({ ...ALERT, district: 'AL3 8QE' }), 'district'],
      ['/v1/alerts', JSON.stringify({ ...ALERT, customerName: 'Jean Smith' }), ''],
      ['/v1/alerts', JSON.stringify({ ...ALERT, valueBand: 740 }), 'valueBand'],
      ['/v1/alerts', JSON.stringify({ ...ALERT, brands: ['Apple Store, 12 High St'] }), 'brands[0]'],
      ['/v1/cards/sightings', JSON.stringify({ linkId: 'tok_visa_4929', valueBand: 'under_100' }), 'linkId'],
      ['/v1/cards/sightings', JSON.stringify({ linkId: 'A'.repeat(86), valueBand: 'under_100', pan: '4929000011112222' }), ''],
      ['/v1/cards/evaluate', JSON.stringify({ blinded: ['A'.repeat(43)] }), 'blinded'],
      ['/v1/cards/evaluate', JSON.stringify({ blinded: Array.from({ length: 5 }, () => blindCard('x').blinded) }), 'blinded'],
    ];
    for (const [path, body, field] of cases) {
      const response = await send(exchange, path, body, north);
      expect(response.status, `${path} ${body}`).toBe(400);
      expect(response.json.code).toBe(field === undefined ? 'malformed_json' : 'validation_failed');
      if (field) expect(response.json.field).toBe(field);
    }
    const query = await send(exchange, '/v1/alerts?district=AL3%208QE&since=2026-12-05T00:00:00Z', undefined, north);
    expect(query.status).toBe(400);
    expect(await seen(exchange)).toEqual(before);
  });

  it('alerts reach members asking for that district only, never the member that sent them, and carry nothing else', async () => {
    const exchange = await startExchange({ members: ['north-retail', 'south-retail', 'west-retail'] });
    const north = exchange.member('north-retail', { timeoutMs: 5_000 });
    const relayed = await north.publishAlert({ district: 'AL3', at: '2026-12-05T10:15:00Z', brands: ['apple'], valueBand: '250_to_499', action: 'refused' });
    const since = Date.now() - 3_600_000;
    const south = await exchange.member('south-retail', { timeoutMs: 5_000 }).alerts(['AL3', 'AL4'], since);
    expect(south).toEqual([relayed]);
    expect(Object.keys(south[0]!).sort()).toEqual(['action', 'at', 'brands', 'district', 'id', 'receivedAt', 'valueBand']);
    expect(await exchange.member('west-retail', { timeoutMs: 5_000 }).alerts(['M1'], since)).toEqual([]);
    expect(await north.alerts(['AL3'], since)).toEqual([]);
  });

  it('evaluations past a member’s rate limit are refused with Retry-After, and other members are unaffected', async () => {
    const exchange = await startExchange({ evaluationsPerMinute: 3 });
    const body = () => JSON.stringify({ blinded: [blindCard('tok_guess').blinded] });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await send(exchange, '/v1/cards/evaluate', body(), { memberId: 'north-retail' }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3]!.json.code).toBe('rate_limited');
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await send(exchange, '/v1/cards/evaluate', body(), { memberId: 'south-retail' })).status).toBe(200);
  });
});
