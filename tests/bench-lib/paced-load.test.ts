import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { load } from '../bench/lib/load.js';

// A till's latency "at 50 checks a second" only means something if the checks come spread over the
// second, as tills send them: autocannon's own rate sent each second's quota back to back.
describe('the bench load at a rate', () => {
  it('spreads its requests over each second instead of sending them in a burst, and answers for each', async () => {
    const arrivals: number[] = [];
    const server = createServer((request, response) => {
      arrivals.push(performance.now());
      request.resume();
      request.on('end', () => response.writeHead(request.url === '/refuse' ? 503 : 201).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const result = await load({ url, path: '/checks', headers: {}, body: () => '{"n":1}', connections: 4, seconds: 2, rate: 100 });
    expect(result).toMatchObject({ requests: 200, errors: 0, non2xx: 0 });
    expect(arrivals).toHaveLength(200);
    // Evenly spaced, a tenth of a second holds 10; a burst per second would put 100 in one. The margin
    // is for a test machine that stalls this process now and then (the late ones then go together).
    const busiest = Math.max(...arrivals.map((at) => arrivals.filter((other) => other >= at && other < at + 100).length));
    expect(busiest).toBeLessThanOrEqual(40);

    const refused = await load({ url, path: '/refuse', headers: {}, body: () => '{}', connections: 2, seconds: 0.5, rate: 20 });
    expect(refused).toMatchObject({ requests: 10, non2xx: 10 });
  });
});
