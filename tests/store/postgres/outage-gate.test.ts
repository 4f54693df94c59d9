import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_DEADLINE_MS, outageGate, PROBE_DEADLINE_MS } from '../../../src/store/postgres/outage.js';
import { StorageUnavailable } from '../../../src/store/storage-health.js';

const never = () => new Promise<never>(() => {});
const lost = () => Promise.reject(new StorageUnavailable('CONNECTION_CLOSED'));
const answered = () => Promise.resolve('ok');

/** Settles `pending` into what a caller would see, without letting a rejection go unhandled. */
const outcome = <T>(pending: Promise<T>) => pending.then((value) => ({ value }), (error: unknown) => ({ error }));

// Virtual time: the subject is how long the gate stays shut.
describe('the outage gate of a PostgreSQL node', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('refuses every call at once while one call tries the database, and lets calls through once it is back', async () => {
    const gate = outageGate();
    await expect(gate.run(lost)).rejects.toBeInstanceOf(StorageUnavailable);
    let back!: (value: string) => void;
    const probe = gate.run(() => new Promise<string>((resolve) => (back = resolve)));
    await expect(gate.run(answered)).rejects.toBeInstanceOf(StorageUnavailable);
    expect(() => gate.check()).toThrow(StorageUnavailable);
    back('ok');
    await expect(probe).resolves.toBe('ok');
    await expect(gate.run(answered)).resolves.toBe('ok');
    expect(() => gate.check()).not.toThrow();
  });

  it('gives a probe that never settles its own short deadline, after which the next call tries and gets through', async () => {
    const gate = outageGate();
    await expect(gate.run(lost)).rejects.toBeInstanceOf(StorageUnavailable);
    const stuck = outcome(gate.run(never));
    await vi.advanceTimersByTimeAsync(PROBE_DEADLINE_MS - 1);
    await expect(gate.run(answered)).rejects.toBeInstanceOf(StorageUnavailable);
    await vi.advanceTimersByTimeAsync(1);
    expect(await stuck).toMatchObject({ error: expect.any(StorageUnavailable) });
    expect(PROBE_DEADLINE_MS).toBeLessThan(CALL_DEADLINE_MS / 4);
    // The stuck probe is still pending underneath, yet the gate is open: the next call is the new probe.
    await expect(gate.run(answered)).resolves.toBe('ok');
    await expect(gate.run(answered)).resolves.toBe('ok');
  });

  it('keeps the long deadline for calls made while the database is up', async () => {
    const gate = outageGate();
    const slow = outcome(gate.run(never));
    await vi.advanceTimersByTimeAsync(PROBE_DEADLINE_MS * 2);
    await expect(gate.run(answered)).resolves.toBe('ok');
    await vi.advanceTimersByTimeAsync(CALL_DEADLINE_MS - PROBE_DEADLINE_MS * 2);
    expect(await slow).toMatchObject({ error: expect.any(StorageUnavailable) });
  });
});
