import { type AddressInfo, connect } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { editedRules, RAZER_RULE } from '../helpers/rules.js';

/** The app on a real loopback socket, where bodies arrive with a Content-Length and are read from the socket. */
async function onLoopback() {
  const app = await testApp();
  const server = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { ...app, url, till: await app.makeKey('till', [STORE]) };
}

describe('over a real socket', () => {
  it('decides a check and records it before answering', async () => {
    const { url, till, services } = await onLoopback();
    const response = await fetch(`${url}/v1/checks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${till}`, 'content-type': 'application/json' },
      body: JSON.stringify(aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 5 }], customer: { ageBand: '80_plus' } })),
    });
    expect(response.status).toBe(201);
    const decision = (await response.json()) as { checkId: string; action: string };
    expect(decision.action).toBe('hold');
    expect((await services.store.checks.findById(decision.checkId))?.latest.action).toBe('hold');
  });

  it('refuses a declared oversized body before reading it, and malformed JSON, as problems', async () => {
    const { url, till } = await onLoopback();
    const post = (body: string) =>
      fetch(`${url}/v1/checks`, { method: 'POST', headers: { authorization: `Bearer ${till}`, 'content-type': 'application/json' }, body });
    const huge = await post(JSON.stringify({ ...aCheck(), padding: 'x'.repeat(300 * 1024) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { code: string }).code).toBe('payload_too_large');
    const malformed = await post('{"storeId": ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('malformed_json');
  });

  it('limits a chunked body of unknown length while it streams', async () => {
    const { url, till } = await onLoopback();
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(10_000)));
        controller.close();
      },
    });
    const response = await fetch(`${url}/v1/checks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${till}`, 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });
});

/**
 * A POST as `curl -X POST` sends it: neither Content-Length nor Transfer-Encoding, so no body (RFC 9112
 * §6.3), and no Content-Type. Written to the socket by hand, since fetch always declares a length.
 */
async function rawPost(url: string, path: string, key: string, extraHead = '', body = ''): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n${extraHead}\r\n${body}`);
  let text = '';
  for await (const chunk of socket) text += (chunk as Buffer).toString();
  const [head = '', ...rest] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: rest.join('\r\n\r\n') };
}

describe('a POST whose body is optional, sent with none', () => {
  it('rolls the rule set back, as `curl -X POST` without a body sends it', async () => {
    const { url, adminKey, call, services } = await onLoopback();
    const original = services.rules.current.version;
    expect((await call('PUT', '/v1/rules', { key: adminKey, body: editedRules({ file: 'razer.yaml', append: RAZER_RULE }) })).status).toBe(200);
    const rolledBack = await rawPost(url, '/v1/rules/rollback', adminKey);
    expect(rolledBack.status, rolledBack.body).toBe(200);
    expect(JSON.parse(rolledBack.body)).toMatchObject({ version: original });
  });

  it('reaches the webhook retry route (404 for a delivery that does not exist), not a 415', async () => {
    const { url, adminKey } = await onLoopback();
    const retried = await rawPost(url, '/v1/webhooks/whk_00000000000000000000000000/deliveries/dlv_00000000000000000000000000/retry', adminKey);
    expect(retried.status, retried.body).toBe(404);
  });

  it('still refuses a body that is there but not JSON, chunked or with a length', async () => {
    const { url, adminKey } = await onLoopback();
    const chunked = await rawPost(url, '/v1/rules/rollback', adminKey, 'Transfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n');
    expect(chunked.status).toBe(415);
    const typed = await rawPost(url, '/v1/rules/rollback', adminKey, 'Content-Type: text/plain\r\nContent-Length: 2\r\n', '{}');
    expect(typed.status).toBe(415);
    const chunkedJson = await rawPost(url, '/v1/rules/rollback', adminKey, 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n');
    expect(chunkedJson.status).toBe(409);
  });
});

