/**
 * The generated kernel update loops against the tfjs evaluator of the same
 * definitions, given the same gradients: every variant, both builds, bit for bit
 * (the updates never fuse, and both run the program's float32 operations in its order).
 */
import { NETWORK_LIMITS } from '../../experiment/network';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE, NUM_CLASSES } from '../../data/manifest';
import { CASES, GRADIENTS, W0 } from '../../testing/kerasReference';
import { loadKernel } from '../../testing/kernelNode';
import { OPTIMIZERS, type OptimizerId } from '../../experiment/optimizers';
import { normRelativeError } from '../../testing/kernelFixtures';
import type { ParameterValues } from '../../experiment/parameters';
import { applyStep, UPDATE_RULES } from '../optimizers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Steps both engines from `initial` with `gradients` (each vector spread over every tensor) and compares the weights bit for bit after each step. */
async function compareBits(build: 'simd' | 'relaxed-simd', id: OptimizerId, params: ParameterValues, initial: number[], gradients: number[][]) {
  const hidden = Math.max(NETWORK_LIMITS.minUnits, initial.length);
  const sizes = [IMAGE_SIZE * hidden, hidden, hidden * NUM_CLASSES, NUM_CLASSES];
  const place = (values: number[]) => sizes.map((n) => Float32Array.from({ length: n }, (_, i) => values[i % values.length] * (1 + i / n)));
  const trainer = await (await loadKernel(build)).createTrainer({ network: { hiddenLayers: [hidden], activation: 'relu' }, maxBatch: 1, runs: [{ optimizer: id, hyperparameters: params }], initial: place(initial) });
  const rule = UPDATE_RULES[id];
  const matrix = OPTIMIZERS[id].matrix !== undefined;
  const shapes = [[IMAGE_SIZE, hidden], [hidden], [hidden, NUM_CLASSES], [NUM_CLASSES]];
  // The kernel holds dense2/kernel transposed; the elementwise update does not care, so tfjs gets it as weights() gives it.
  let weights = trainer.weights(0).map((w, i) => tf.tensor(w, shapes[i]));
  let slots = shapes.map((shape) => Object.fromEntries(Object.entries(rule.slots(params)).map(([k, v]) => [k, tf.fill(shape, v)])));
  gradients.forEach((g, step) => {
    const placed = place(g);
    trainer.applyGradients(0, placed);
    const tensors = placed.map((values, i) => tf.tensor(values, shapes[i]));
    const next = applyStep(rule, weights, tensors, slots, step + 1, params);
    tf.dispose([...tensors, ...weights, ...slots.flatMap((s) => Object.values(s))]);
    ({ weights, slots } = next);
    const kernel = trainer.weights(0);
    weights.forEach((w, i) => {
      // A matrix step (Muon's kernels) orthogonalises in another order in each engine: float32 rounding, not bits.
      if (matrix && w.rank === 2) expect(normRelativeError(kernel[i], w.dataSync()), `step ${step + 1}, tensor ${i}`).toBeLessThanOrEqual(1e-6);
      else expect(kernel[i], `step ${step + 1}, tensor ${i}`).toEqual(w.dataSync());
    });
  });
  tf.dispose([...weights, ...slots.flatMap((s) => Object.values(s))]);
  trainer.dispose();
}

const BUILDS = ['simd', 'relaxed-simd'] as const;

describe('generated kernel updates give the tfjs evaluator\'s bits', () => {
  const cases = BUILDS.flatMap((build) => CASES.map(([id, name, params]) => [build, id, name, params] as const));
  it.each(cases)('%s build: %s (%s)', async (build, id, _name, params) => {
    await compareBits(build, id, params, W0, GRADIENTS);
  });
});

describe('abs, sign, min, max and pow agree at the edges', () => {
  // Zeros of both signs (sign gives +0 for both, min(-0, +0) is -0, max is +0), the smallest
  // subnormal, a gradient that is exactly 0 after a nonzero one, and large values.
  const initial = [0, -0, 1e-40, -2, 0.5, 1e6, 3, -0.25];
  const gradients = [
    [0, -0, 1.4e-45, -1e-38, 3e5, -7, 0.5, 0],
    [-0, 0, -1.4e-45, 0, -3e5, 7, 0, 0.125],
    [0, 0, 0, 0, 0, 0, 0, 0],
  ];
  const variants = CASES.filter(([id]) => ['adamax', 'lion', 'ftrl'].includes(id));
  it.each(BUILDS.flatMap((build) => variants.map(([id, name, params]) => [build, id, name, params] as const)))('%s build: %s (%s)', async (build, id, _name, params) => {
    await compareBits(build, id, params, initial, gradients);
  });
});

describe('Lamb\'s sums and trust ratio agree at the edges', () => {
  // Weights all zero (‖w‖ = 0: ratio 1, a plain Adam step), then a zero gradient after nonzero
  // ones (r still nonzero from the momentum), then weights of very different sizes. Each tensor
  // is summed whole in both engines (in double: tfjs's cpu backend and the kernel's f64 lanes),
  // so the ratio, and with it every weight, has the same bits.
  const zeros = [0, 0, 0, 0, 0, 0, 0, 0];
  const gradients = [
    [0.5, -0.25, 1e-3, -4, 0, 2, -1e-6, 0.125],
    [0, 0, 0, 0, 0, 0, 0, 0],
    [3, -0.5, 0.25, 1e-4, -2, 0.75, 1, -1],
  ];
  const cases = CASES.filter(([id]) => id === 'lamb');
  it.each(BUILDS.flatMap((build) => cases.map(([id, name, params]) => [build, id, name, params] as const)))('%s build: %s (%s), from zero weights', async (build, id, _name, params) => {
    await compareBits(build, id, params, zeros, gradients);
  });
  it.each(BUILDS)('%s build: lamb, weights from 1e-6 to 1e3', async (build) => {
    await compareBits(build, 'lamb', { ...CASES.find(([id]) => id === 'lamb')![2], learningRate: 0.1 }, [1e-6, -1e3, 0.5, 2, -7, 1e-3, 40, -0.01], gradients);
  });
});
