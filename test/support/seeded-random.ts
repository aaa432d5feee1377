/**
 * Mulberry32: a small random number generator with a seed, so that a randomised test draws the same cases at every
 * run and a failing one can be replayed. Each call gives a whole number from 0 to n - 1.
 */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}
