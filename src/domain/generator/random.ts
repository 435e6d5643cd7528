/**
 * A tiny seeded PRNG (mulberry32) and the draws the generator needs.
 *
 * Math.random cannot be seeded; the generator must give the same histories for
 * the same seed on every machine and run, so benchmarks compare like with like.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick needs at least one item');
      return items[Math.floor(next() * items.length)];
    },
    weighted: (weights) => weightedPick(weights, next()),
  };
  return random;
}

/** Two passes with for…in and no arrays: the generator draws this on every step. */
function weightedPick<K extends string>(weights: Readonly<Record<K, number>>, uniform: number): K {
  let total = 0;
  for (const key in weights) total += weights[key];
  let roll = uniform * total;
  let last: K | undefined;
  for (const key in weights) {
    if (weights[key] <= 0) continue;
    last = key;
    roll -= weights[key];
    if (roll < 0) return key;
  }
  if (last === undefined) throw new RangeError('weighted needs at least one positive weight');
  return last;
}

/** Derives an independent seed for one relationship, so relationship i does not depend on how many draws i-1 made. */
export function deriveSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
