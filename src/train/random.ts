/**
 * Seeded pseudo-random numbers. The same seed gives the same initial weights and
 * the same batch order on every backend and every machine, because nothing here
 * depends on tfjs's own (backend-specific) random kernels.
 */

/** SplitMix32 finaliser: spreads a 32-bit seed and a stream id over the state. */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Independent streams for independent purposes, so adding a draw to one never shifts the other. */
export const RandomStream = { weights: 1, shuffle: 2 } as const;

export interface Random {
  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** Mulberry32: tiny, fast and statistically adequate for initialisation and shuffling. */
export function createRandom(seed: number, stream: number): Random {
  let state = mix32((seed >>> 0) ^ mix32(stream));
  const nextUint32 = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next: () => nextUint32() / 4294967296,
    int: (n) => Math.floor((nextUint32() / 4294967296) * n),
  };
}

/** Fisher-Yates shuffle of 0..count-1. */
export function shuffledIndices(count: number, random: Random): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}
