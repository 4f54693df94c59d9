import { describe, expect, it } from 'vitest';
import { BESIDE_A_SERVICE, DEMO_TILL_PORT } from '../../scripts/demo-till/serve.js';
import { loadConfig } from '../../src/config.js';
import { markdownPages, readPage } from '../helpers/docs.js';

// Two documented things on one port means a reader who follows the docs gets EADDRINUSE, or worse,
// sends one thing's traffic to the other. Every port in the docs is listed with what listens on it,
// and every port the code picks by default joins them.

interface Port {
  port: number;
  /** What listens on it; undefined for an address that only points at a port. */
  listener: string | undefined;
  where: string;
}

const LISTENERS: Array<[RegExp, (page: string) => string]> = [
  [/(?<![A-Z_])PORT=(\d+)/g, () => 'the service'],
  [/VOUCHSAFE_TILL_PORT=(\d+)/g, () => 'the demo till'],
  [/VOUCHSAFE_METRICS_PORT=(\d+)/g, () => 'the metrics listener'],
  [/\.listen\((\d+)/g, (page) => `the example receiver in ${page}`],
  [/where it listens \(default 127\.0\.0\.1:(\d+)\)/g, () => 'the exchange'],
];
const ADDRESS = /\b(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)/g;

function documentedPorts(): Port[] {
  const ports: Port[] = [];
  for (const page of markdownPages()) {
    const text = readPage(page);
    const lineOf = (index: number) => `${page}:${text.slice(0, index).split('\n').length}`;
    for (const [pattern, listener] of LISTENERS) {
      for (const match of text.matchAll(pattern)) ports.push({ port: Number(match[1]), listener: listener(page), where: lineOf(match.index) });
    }
    for (const match of text.matchAll(ADDRESS)) ports.push({ port: Number(match[1]), listener: undefined, where: lineOf(match.index) });
  }
  return ports;
}

function defaultPorts(): Port[] {
  return [
    { port: loadConfig({}).port, listener: 'the service', where: 'src/config.ts (PORT)' },
    { port: DEMO_TILL_PORT, listener: 'the demo till', where: 'scripts/demo-till/serve.ts (DEMO_TILL_PORT)' },
    // What the demo till suggests when a service is running already: a second service and demo till, on ports of their own.
    { port: BESIDE_A_SERVICE.servicePort, listener: 'the service', where: 'scripts/demo-till/serve.ts (BESIDE_A_SERVICE)' },
    { port: BESIDE_A_SERVICE.tillPort, listener: 'the demo till', where: 'scripts/demo-till/serve.ts (BESIDE_A_SERVICE)' },
  ];
}

describe('ports in the docs and the code', () => {
  it('no two kinds of thing share a port, and every address in the docs points at a port something documented listens on', () => {
    const ports = [...defaultPorts(), ...documentedPorts()];
    const listeners = new Map<number, Map<string, string[]>>();
    for (const { port, listener, where } of ports) {
      if (!listener) continue;
      if (!listeners.has(port)) listeners.set(port, new Map());
      const things = listeners.get(port)!;
      things.set(listener, [...(things.get(listener) ?? []), where]);
    }
    const clashes = [...listeners].filter(([, things]) => things.size > 1).map(([port, things]) => `${port}: ${[...things].map(([thing, where]) => `${thing} (${where.join(', ')})`).join(' and ')}`);
    expect(clashes).toEqual([]);
    const nowhere = ports.filter(({ port, listener }) => !listener && !listeners.has(port)).map(({ port, where }) => `${port} at ${where}`);
    expect(nowhere).toEqual([]);
  });
});
