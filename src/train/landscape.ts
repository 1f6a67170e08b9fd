/**
 * The loss landscape between a run's shared initial weights θ0 and its contestants'
 * final weights (Goodfellow, Vinyals & Saxe 2015, "Qualitatively characterizing neural
 * network optimization problems"): the mean training loss at points of the affine span
 * θ(c) = (1 − Σ c_j) θ0 + Σ c_j θ_j. The line to one contestant is c = (α); the slice
 * through two is c = (a, b).
 *
 * Computed on the CPU with the evaluation's forward pass (evaluation.ts), with one
 * shortcut that is exact algebra: the first layer is linear in its weights, so its
 * pre-activation at θ(c) is the same mix of the pre-activations at θ0 and each θ_j.
 * Those are computed once per example (sparse over the ~19 % nonzero pixels) and every
 * point only mixes them (one value per hidden unit) and runs the small later layers,
 * whose weights are mixed per point. On the article network a point costs about a
 * fifteenth of a full forward pass. At c = e_j every mixed value is θ_j's own, so the
 * line's end is bit for bit the evaluation of θ_j itself.
 */
import { IMAGE_SIZE } from '../data/manifest';
import type { SplitData } from '../data/shardLoader';
import type { NetworkSettings } from '../experiment/network';
import { PIXEL_VALUES } from './batches';
import { CpuNetwork, crossEntropy } from './evaluation';
import { parameterShapes } from './network';

export interface LandscapeControl {
  /** Checked between points: true ends the computation (it then returns undefined). */
  stopRequested(): boolean;
  /** Lets the worker hear a Cancel; called at most every `yieldEveryMs`. */
  yieldToEventLoop(): Promise<void>;
  /** Work done so far, in example-points, of `total`. */
  progress?(done: number, total: number): void;
  yieldEveryMs?: number;
}

/** out = w · source[at, at + width). */
function setScaled(out: Float64Array, w: number, source: Float64Array, at: number, width: number): void {
  for (let o = 0; o < width; o++) out[o] = w * source[at + o];
}

/** out += w · source[at, at + width). */
function addScaled(out: Float64Array, w: number, source: Float64Array, at: number, width: number): void {
  for (let o = 0; o < width; o++) out[o] += w * source[at + o];
}

/** Examples per chunk: the first layer's outputs are held for one chunk only (at most about 8 MB). */
function chunkSize(firstWidth: number, ends: number): number {
  return Math.max(16, Math.min(250, Math.floor(1_000_000 / (firstWidth * (ends + 1)))));
}

/**
 * The mean loss over the first `count` examples of `split` at each point: `points[p]`
 * holds the coefficients c_j of `ends[j]`, and θ0 (`origin`) weighs 1 − Σ c_j. Returns
 * undefined when stopped.
 */
export async function planeLosses(
  network: NetworkSettings,
  origin: readonly Float32Array[],
  ends: readonly (readonly Float32Array[])[],
  points: readonly (readonly number[])[],
  split: SplitData,
  count: number,
  control: LandscapeControl,
): Promise<Float64Array | undefined> {
  const examples = Math.min(count, split.count);
  const bases = [origin, ...ends];
  const firstNetworks = bases.map((weights) => new CpuNetwork(network, weights));
  // Each point's terms over [θ0, θ1, ...], zeros left out: which base, and its weight.
  const terms = points.map((c) => {
    if (c.length !== ends.length) throw new Error(`A point needs ${ends.length} coefficients.`);
    const weights = [1 - c.reduce((a, b) => a + b, 0), ...c];
    const used = weights.flatMap((w, t) => (w !== 0 ? [t] : []));
    return { bases: Int32Array.from(used), weights: Float64Array.from(used, (t) => weights[t]) };
  });
  // The later layers of the point being computed: θ0's first layer (never used, only
  // its pre-activation is) and scratch arrays refilled per point.
  const shapes = parameterShapes(network);
  const later = shapes.slice(2).map(({ shape }) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  const tail = new CpuNetwork(network, [origin[0], origin[1], ...later]);
  const width = shapes[1].shape[0];
  const chunk = chunkSize(width, ends.length);
  const first = bases.map(() => new Float64Array(chunk * width));
  const mixed = new Float64Array(width);
  const image = new Float32Array(IMAGE_SIZE);
  const probabilities = new Float64Array(10);
  const sums = new Float64Array(points.length);
  const total = examples * points.length;
  const yieldEveryMs = control.yieldEveryMs ?? 50;
  let lastYield = performance.now();

  for (let start = 0; start < examples; start += chunk) {
    const size = Math.min(chunk, examples - start);
    for (let e = 0; e < size; e++) {
      const offset = (start + e) * IMAGE_SIZE;
      for (let p = 0; p < IMAGE_SIZE; p++) image[p] = PIXEL_VALUES[split.images[offset + p]];
      firstNetworks.forEach((n, t) => n.preActivation(image, first[t].subarray(e * width, (e + 1) * width)));
    }
    for (let p = 0; p < points.length; p++) {
      const { bases: used, weights } = terms[p];
      later.forEach((values, i) => {
        values.fill(0);
        for (let u = 0; u < used.length; u++) {
          const w = weights[u];
          const source = bases[used[u]][i + 2];
          for (let k = 0; k < values.length; k++) values[k] += w * source[k];
        }
      });
      let sum = 0;
      for (let e = 0; e < size; e++) {
        const at = e * width;
        setScaled(mixed, weights[0], first[used[0]], at, width);
        for (let u = 1; u < used.length; u++) addScaled(mixed, weights[u], first[used[u]], at, width);
        tail.fromPreActivation(mixed, probabilities);
        sum += crossEntropy(probabilities, split.labels[start + e]);
      }
      sums[p] += sum;
      if (performance.now() - lastYield >= yieldEveryMs) {
        control.progress?.(start * points.length + size * (p + 1), total);
        await control.yieldToEventLoop();
        lastYield = performance.now();
      }
      if (control.stopRequested()) return undefined;
    }
  }
  control.progress?.(total, total);
  return sums.map((s) => s / examples);
}
