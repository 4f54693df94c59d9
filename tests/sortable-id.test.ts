import { expect, it } from 'vitest';
import { newId } from '../src/sortable-id.js';

it('makes ids that sort by time and never repeat, their random part spread over the whole alphabet', () => {
  const at = Date.UTC(2026, 11, 6, 8, 0, 0);
  // Enough to draw the random pool many times over.
  const ids = Array.from({ length: 20_000 }, (_, i) => newId('chk', at + Math.floor(i / 100)));
  for (const id of ids) expect(id).toMatch(/^chk_[0-9a-hjkmnp-tv-z]{26}$/);
  expect(new Set(ids).size).toBe(ids.length);
  const times = ids.map((id) => id.slice(4, 14));
  expect([...times].sort()).toEqual(times);
  // 320,000 random characters: each of the 32 about 10,000 times.
  const counts = new Map<string, number>();
  for (const id of ids) for (const c of id.slice(14)) counts.set(c, (counts.get(c) ?? 0) + 1);
  expect(counts.size).toBe(32);
  for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(600);
});
