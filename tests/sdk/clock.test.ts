import { describe, expect, it } from 'vitest';
import { VirtualClock } from './helpers/clock.js';

// The SDK's timing tests are only as honest as the clock they run on.
describe('the virtual clock the SDK tests run on', () => {
  it('fires timers in time order, and those set at the same time in the order they were set', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20);
    const cleared = clock.setTimeout(() => fired.push('never'), 15);
    clock.clearTimeout(cleared);
    await clock.advance(19);
    expect(fired).toEqual(['a@10']);
    await clock.advance(1);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
  });

  it('runs a call until it settles, jumping from timer to timer, and lets the promise jobs between them run first', async () => {
    const clock = new VirtualClock();
    const call = (async () => {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 100));
      await Promise.resolve();
      // Set by the job after the first timer: it must still come before the one already set for 150.
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 20));
      return clock.now();
    })();
    let late = -1;
    clock.setTimeout(() => (late = clock.now()), 150);
    expect(await clock.run(call)).toBe(120);
    expect(late).toBe(-1);
  });

  it('stands still while real work is under way', async () => {
    const clock = new VirtualClock();
    let timedOut = false;
    clock.setTimeout(() => (timedOut = true), 1);
    const real = clock.real(new Promise((resolve) => setTimeout(() => resolve('answered'), 30)));
    expect(await clock.run(real)).toBe('answered');
    expect(timedOut).toBe(false);
    expect(clock.now()).toBe(0);
  });

  it('says so when a call waits on nothing that could ever settle it', async () => {
    const clock = new VirtualClock();
    await expect(clock.run(new Promise(() => {}))).rejects.toThrow(/can never settle/);
  });
});
