import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkDestination, NOTHING_ALLOWED, parseAllowList, type Resolve } from '../../src/webhooks/url-policy.js';
import { aCheck, STORE, type TestAppOptions, testApp } from '../helpers/app.js';
import { startReceiver } from './receiver.js';

// Nothing here connects anywhere but loopback: names resolve through stubs, and every internal or
// public address below is refused, or only registered, before anything would be sent to it.

const PUBLIC = '93.184.215.14';
let customers = 0;
const heldBasket = () => {
  customers += 1;
  return aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }], customer: { ageBand: '80_plus', loyaltyId: `63400400077${customers}` } });
};

/** A resolver from a table; a name not in it does not resolve. Counts its calls. */
function stubResolver(table: Record<string, string[] | (() => string[])>) {
  const calls: string[] = [];
  const resolve: Resolve = async (hostname) => {
    calls.push(hostname);
    const entry = table[hostname];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return typeof entry === 'function' ? entry() : entry;
  };
  return { resolve, calls };
}

async function setUp(options: TestAppOptions = {}) {
  const app = await testApp({ webhooksAllowHttp: true, ...options });
  const till = await app.makeKey('till', [STORE]);
  const register = (url: string) => app.call('POST', '/v1/webhooks', { key: app.adminKey, body: { url, events: ['check.held'] } });
  const hold = async () => expect((await app.call('POST', '/v1/checks', { key: till, body: heldBasket() })).json.action).toBe('hold');
  const attempts = async (webhookId: string) =>
    (await app.call('GET', `/v1/webhooks/${webhookId}/deliveries`, { key: app.adminKey })).json.deliveries.flatMap((d: { attempts: unknown[] }) => d.attempts);
  return { ...app, register, hold, attempts, deliver: () => app.services.webhooks.worker.deliverDue() };
}

const INTERNAL_LITERALS = [
  'https://127.0.0.1/hooks',
  'https://127.8.9.10:8443/hooks',
  'https://10.0.0.5/hooks',
  'https://172.16.4.4/hooks',
  'https://192.168.1.1:8443/hooks',
  'https://169.254.169.254/latest/meta-data/',
  'https://100.64.0.1/hooks',
  'https://224.0.0.1/hooks',
  'https://255.255.255.255/hooks',
  'https://0.0.0.0/hooks',
  'https://2130706433/hooks',
  'https://0x7f.1/hooks',
  'https://[::1]/hooks',
  'https://[::]/hooks',
  'https://[fe80::1]/hooks',
  'https://[fd00:ec2::254]/hooks',
  'https://[ff02::1]/hooks',
  'https://[::ffff:169.254.169.254]/hooks',
  'https://[::ffff:7f00:1]/hooks',
  'https://[64:ff9b::a9fe:a9fe]/hooks',
  'https://[2002:a9fe:a9fe::]/hooks',
];

describe('webhook destinations', () => {
  it('refuse loopback, private, link-local, CGNAT, multicast and other internal addresses when a webhook is made, all in the same words', async () => {
    const { register } = await setUp({ webhooksAllowHttp: false });
    const details = new Set<string>();
    for (const url of INTERNAL_LITERALS) {
      const response = await register(url);
      expect({ url, status: response.status, field: response.json.field, errors: response.json.errors.map((e: { code: string }) => e.code) }).toEqual({
        url,
        status: 400,
        field: 'url',
        errors: ['url_not_allowed'],
      });
      details.add(response.json.detail);
    }
    expect(details.size).toBe(1);
  });

  it('refuse a name that resolves to an internal address, to any among several, or to nothing', async () => {
    const { resolve } = stubResolver({
      'metadata.attacker.test': ['169.254.169.254'],
      'mixed.attacker.test': [PUBLIC, '10.0.0.1'],
      'mapped.attacker.test': ['::ffff:192.168.0.1'],
      'lp.example.com': [PUBLIC],
    });
    const { register } = await setUp({ webhooksAllowHttp: false, webhookResolve: resolve });
    const refused = await Promise.all(['metadata.attacker.test', 'mixed.attacker.test', 'mapped.attacker.test', 'nowhere.test'].map((host) => register(`https://${host}/hooks`)));
    expect(refused.map((r) => r.json.errors[0].code)).toEqual(Array(4).fill('url_not_allowed'));
    // Whether the name resolved, and to what, is not told apart.
    expect(new Set(refused.map((r) => r.json.detail)).size).toBe(1);
    expect((await register('https://lp.example.com/hooks')).status).toBe(201);
  });

  it('reach an internal receiver the operator lists, by range, address or name, and nothing else internal', async () => {
    const { resolve } = stubResolver({
      'lp-desk.store.internal': ['10.99.0.7'],
      'till-room.store.internal': ['10.20.0.9'],
      'other.store.internal': ['10.30.0.1'],
    });
    const { register } = await setUp({ webhooksAllowHttp: false, webhookResolve: resolve, webhooksAllowHosts: ['10.20.0.0/24', 'lp-desk.store.internal', 'fd00::5'] });
    for (const url of ['https://10.20.0.5/hooks', 'https://lp-desk.store.internal/hooks', 'https://till-room.store.internal/hooks', 'https://[fd00::5]/hooks']) {
      expect({ url, status: (await register(url)).status }).toEqual({ url, status: 201 });
    }
    for (const url of ['https://10.20.1.5/hooks', 'https://other.store.internal/hooks', 'https://169.254.169.254/hooks', 'https://[fd00::6]/hooks']) {
      expect({ url, status: (await register(url)).status }).toEqual({ url, status: 400 });
    }
    // http:// to a listed receiver still needs VOUCHSAFE_WEBHOOKS_ALLOW_HTTP=1.
    expect((await register('http://10.20.0.5/hooks')).status).toBe(400);
  });

  it('connect to the address that was checked: the name is resolved once per attempt and not again', async () => {
    const receiver = await startReceiver();
    const port = new URL(receiver.url()).port;
    // receiver.test is known to no real resolver: only the checked address can reach the receiver.
    const { resolve, calls } = stubResolver({ 'receiver.test': ['127.0.0.1'] });
    const { register, hold, deliver, attempts } = await setUp({ webhookResolve: resolve });
    const webhook = (await register(`http://receiver.test:${port}/hooks`)).json;
    receiver.useSecret(webhook.secret);
    await hold();
    expect(await deliver()).toBe(1);
    expect(receiver.received.map((r) => r.refused)).toEqual([undefined]);
    expect((await attempts(webhook.id))[0]).toMatchObject({ statusCode: 204, error: null });
    expect(calls).toEqual(['receiver.test', 'receiver.test']);
  });

  it('check again before every attempt: a name that now resolves inside is refused, and nothing is sent', async () => {
    const receiver = await startReceiver();
    const port = new URL(receiver.url()).port;
    let answer = ['127.0.0.1'];
    const { resolve } = stubResolver({ 'rebinding.test': () => answer });
    const { register, hold, deliver, attempts } = await setUp({ webhookResolve: resolve });
    const webhook = (await register(`http://rebinding.test:${port}/hooks`)).json;
    await hold();
    answer = ['169.254.169.254'];
    expect(await deliver()).toBe(1);
    expect((await attempts(webhook.id))[0]).toMatchObject({ statusCode: null, error: 'refused', durationMs: 0 });
    expect(receiver.received).toEqual([]);
  });

  it('record a closed port, a port that speaks no HTTP, one that speaks no TLS and one that never answers all as "failed"', async () => {
    const receiver = await startReceiver();
    const closed = await startReceiver();
    await closed.down();
    const garbage = await tcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    const silent = await tcpServer(() => {});
    const { register, hold, deliver, attempts } = await setUp({ webhookDelivery: { timeoutMs: 300 } });
    const urls = [closed.url(), `http://127.0.0.1:${garbage}/hooks`, receiver.url().replace('http:', 'https:'), `http://127.0.0.1:${silent}/hooks`];
    const webhooks = [];
    for (const url of urls) webhooks.push((await register(url)).json);
    await hold();
    expect(await deliver()).toBe(4);
    for (const webhook of webhooks) expect((await attempts(webhook.id))[0]).toMatchObject({ statusCode: null, error: 'failed' });
  });
});

/** A bare TCP server on loopback; its port. */
async function tcpServer(onConnection: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

// Property tests of the policy itself: every way of writing an address is judged as the address.

const policy = (resolve: Resolve = async () => []) => ({ allowHttp: false, allow: NOTHING_ALLOWED, resolve });
const refused = async (url: string, resolve?: Resolve) => 'problem' in (await checkDestination(url, policy(resolve)));
const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
const dotted = ([a, b, c, d]: [number, number, number, number]) => `${a}.${b}.${c}.${d}`;
const asInteger = ([a, b, c, d]: [number, number, number, number]) => String(((a << 24) >>> 0) + (b << 16) + (c << 8) + d);
const asHex = ([a, b, c, d]: [number, number, number, number]) => `0x${[a, b, c, d].map((n) => n.toString(16).padStart(2, '0')).join('')}`;
const mapped = ([a, b, c, d]: [number, number, number, number]) => `[::ffff:${a}.${b}.${c}.${d}]`;

/** Addresses in the ranges that must never be reached: [first octet(s), fixed prefix bits]. */
const internal = fc.oneof(
  octets.map(([, b, c, d]) => [10, b, c, d] as [number, number, number, number]),
  octets.map(([, b, c, d]) => [127, b, c, d] as [number, number, number, number]),
  octets.map(([, b, c, d]) => [172, 16 + (b % 16), c, d] as [number, number, number, number]),
  octets.map(([, , c, d]) => [192, 168, c, d] as [number, number, number, number]),
  octets.map(([, , c, d]) => [169, 254, c, d] as [number, number, number, number]),
  octets.map(([, b, c, d]) => [100, 64 + (b % 64), c, d] as [number, number, number, number]),
  octets.map(([a, b, c, d]) => [224 + (a % 32), b, c, d] as [number, number, number, number]),
  octets.map(([, b, c, d]) => [0, b, c, d] as [number, number, number, number]),
);

describe('the destination policy', () => {
  it('refuses every internal IPv4 address however it is written', async () => {
    await fc.assert(
      fc.asyncProperty(internal, async (address) => {
        for (const host of [dotted(address), asInteger(address), asHex(address), mapped(address)]) expect(await refused(`https://${host}/hooks`)).toBe(true);
        // …and a name that resolves to it, alone or among public addresses.
        expect(await refused('https://name.test/hooks', async () => [PUBLIC, dotted(address)])).toBe(true);
      }),
    );
  });

  it('judges an address alike whether written out, as a number, in hex, IPv4-mapped, or behind a name', async () => {
    await fc.assert(
      fc.asyncProperty(octets, async (address) => {
        const verdicts = await Promise.all([
          refused(`https://${dotted(address)}/hooks`),
          refused(`https://${asInteger(address)}/hooks`),
          refused(`https://${asHex(address)}/hooks`),
          refused(`https://${mapped(address)}/hooks`),
          refused('https://name.test/hooks', async () => [dotted(address)]),
        ]);
        expect(new Set(verdicts).size).toBe(1);
      }),
    );
  });

  it('connects to the first address it checked, and only once every address passed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(PUBLIC, '1.1.1.1', '2606:4700::1111', '10.0.0.1', '::1', 'fe80::1'), { minLength: 1, maxLength: 4 }), async (addresses) => {
        const checked = await checkDestination('https://name.test/hooks', policy(async () => addresses));
        const allPublic = addresses.every((address) => !['10.0.0.1', '::1', 'fe80::1'].includes(address));
        if (allPublic) expect(checked).toMatchObject({ destination: { address: addresses[0] } });
        else expect(checked).toHaveProperty('problem');
      }),
    );
  });

  it('reads any allow-list entry without throwing: a range as that range, anything else as a name or a problem naming it', () => {
    fc.assert(
      fc.property(octets, fc.integer({ min: 0, max: 32 }), fc.string(), (address, bits, text) => {
        const parsed = parseAllowList([`${dotted(address)}/${bits}`]);
        expect('list' in parsed && parsed.list.networks.map(([network, prefix]) => [network.toString(), prefix])).toEqual([[dotted(address), bits]]);
        const any = parseAllowList([text]);
        if ('problem' in any) expect(any.problem).toContain(text);
        else expect(any.list.hosts.size + any.list.networks.length).toBe(1);
      }),
    );
  });

  it('takes host names, addresses and ranges in the allow list, and names what it cannot read', () => {
    expect(parseAllowList(['10.20.0.0/24', 'fd00::/8', '192.168.1.4', 'LP-Desk.store.internal'])).toMatchObject({ list: { hosts: new Set(['lp-desk.store.internal']) } });
    for (const bad of ['10.20.0.0/33', 'http://lp-desk', 'lp desk', '*.internal']) expect(parseAllowList([bad])).toEqual({ problem: expect.stringContaining(bad) });
  });
});
