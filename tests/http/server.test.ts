import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

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
