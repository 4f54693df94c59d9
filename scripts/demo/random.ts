/** A seeded generator (mulberry32): the same seed and day give the same demo, so a rerun on the same day only replays. */
export function seededRandom(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    /** Picks by weight: `[[value, weight], …]`. */
    weighted: <T>(choices: ReadonlyArray<readonly [T, number]>): T => {
      let roll = next() * choices.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [value, weight] of choices) if ((roll -= weight) < 0) return value;
      return choices.at(-1)![0];
    },
  };
}
export type Random = ReturnType<typeof seededRandom>;
