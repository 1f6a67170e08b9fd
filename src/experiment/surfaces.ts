/**
 * The loss-surface lab's test functions of two parameters: value, analytic gradient,
 * the window the lab draws, where a trajectory starts by default and the known
 * minima (the saddle's stationary point, which is no minimum, is marked as such).
 * Pure and float64.
 */

export const SURFACE_IDS = ['rosenbrock', 'beale', 'himmelblau', 'saddle', 'quadratic'] as const;
export type SurfaceId = (typeof SURFACE_IDS)[number];

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface MarkedPoint extends Point {
  readonly label: string;
}

export interface Surface {
  readonly id: SurfaceId;
  readonly label: string;
  /** The formula, shown under the select. */
  readonly formula: string;
  /** f(x, y); kappa is read by the ill-conditioned quadratic only. */
  value(x: number, y: number, kappa: number): number;
  /** [df/dx, df/dy]. */
  gradient(x: number, y: number, kappa: number): [number, number];
  readonly window: { readonly x: readonly [number, number]; readonly y: readonly [number, number] };
  readonly defaultStart: Point;
  readonly minima: readonly MarkedPoint[];
}

const rosenbrock: Surface = {
  id: 'rosenbrock',
  label: 'Rosenbrock',
  formula: 'f = (1 − x)² + 100(y − x²)²',
  value: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  gradient: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  window: { x: [-2, 2], y: [-1, 3] },
  defaultStart: { x: -1.5, y: 2 },
  minima: [{ x: 1, y: 1, label: 'minimum (1, 1)' }],
};

// Beale: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².
const bealeTerms = (x: number, y: number) => [1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y ** 3];
const beale: Surface = {
  id: 'beale',
  label: 'Beale',
  formula: 'f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²',
  value: (x, y) => bealeTerms(x, y).reduce((sum, t) => sum + t * t, 0),
  gradient: (x, y) => {
    const [a, b, c] = bealeTerms(x, y);
    return [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1), 2 * a * x + 4 * b * x * y + 6 * c * x * y * y];
  },
  window: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
  defaultStart: { x: 1, y: 1.5 },
  minima: [{ x: 3, y: 0.5, label: 'minimum (3, 0.5)' }],
};

const himmelblau: Surface = {
  id: 'himmelblau',
  label: 'Himmelblau',
  formula: 'f = (x² + y − 11)² + (x + y² − 7)²',
  value: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
  gradient: (x, y) => {
    const a = x * x + y - 11, b = x + y * y - 7;
    return [4 * a * x + 2 * b, 2 * a + 4 * b * y];
  },
  window: { x: [-5, 5], y: [-5, 5] },
  defaultStart: { x: 0, y: 0 },
  // Himmelblau's four minima, all f = 0 (the last three to the digits the literature gives).
  minima: [
    { x: 3, y: 2, label: 'minimum (3, 2)' },
    { x: -2.805118, y: 3.131312, label: 'minimum (−2.81, 3.13)' },
    { x: -3.77931, y: -3.283186, label: 'minimum (−3.78, −3.28)' },
    { x: 3.584428, y: -1.848126, label: 'minimum (3.58, −1.85)' },
  ],
};

const saddle: Surface = {
  id: 'saddle',
  label: 'Saddle',
  formula: 'f = x² − y²',
  value: (x, y) => x * x - y * y,
  gradient: (x, y) => [2 * x, -2 * y],
  window: { x: [-2, 2], y: [-2, 2] },
  // Just off the ridge: plain gradient descent crawls away from it, momentum escapes sooner.
  defaultStart: { x: -1.5, y: 0.01 },
  minima: [{ x: 0, y: 0, label: 'saddle point (0, 0), no minimum' }],
};

const quadratic: Surface = {
  id: 'quadratic',
  label: 'Ill-conditioned quadratic',
  formula: 'f = ½(x² + κ·y²)',
  value: (x, y, kappa) => 0.5 * (x * x + kappa * y * y),
  gradient: (x, y, kappa) => [x, kappa * y],
  window: { x: [-2, 2], y: [-2, 2] },
  defaultStart: { x: -1.5, y: 1 },
  minima: [{ x: 0, y: 0, label: 'minimum (0, 0)' }],
};

export const SURFACES: { readonly [K in SurfaceId]: Surface } = { rosenbrock, beale, himmelblau, saddle, quadratic };

export function isSurfaceId(value: unknown): value is SurfaceId {
  return typeof value === 'string' && (SURFACE_IDS as readonly string[]).includes(value);
}

// ---- gradient noise -----------------------------------------------------------------

/** Mulberry32 over a SplitMix32-mixed seed (the style of src/train/random.ts, which experiment/ cannot import). */
function uniforms(seed: number): () => number {
  let z = ((seed >>> 0) + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  let state = (z ^ (z >>> 16)) | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // In (0, 1]: Box-Muller takes the log.
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967296;
  };
}

/**
 * Seeded standard-normal pairs, one per step, the same for every contestant (as a
 * minibatch is the same for every contestant in the MNIST run): a link with a seed
 * reproduces the same noisy paths. `at(t)` for t = 1, 2, ... is computed once and kept.
 */
export function gradientNoise(seed: number): { at(t: number): readonly [number, number] } {
  const next = uniforms(seed);
  const pairs: [number, number][] = [];
  return {
    at(t) {
      while (pairs.length < t) {
        // Box-Muller: two uniforms give two independent normals.
        const r = Math.sqrt(-2 * Math.log(next()));
        const angle = 2 * Math.PI * next();
        pairs.push([r * Math.cos(angle), r * Math.sin(angle)]);
      }
      return pairs[t - 1];
    },
  };
}
