/**
 * Both engines against Keras 3's own expected values (src/testing/kerasGolden.ts),
 * and a check that the float64 reference cases cover every variant of every optimizer.
 */
import { NETWORK_LIMITS } from '../../experiment/network';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE, NUM_CLASSES } from '../../data/manifest';
import { variantFor, variantsOf } from '../../experiment/algebra';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from '../../experiment/optimizers';
import { CASES } from '../../testing/kerasReference';
import { allClose, KERAS_GOLDEN, type GoldenCase } from '../../testing/kerasGolden';
import { loadKernel } from '../../testing/kernelNode';
import { applyStep, UPDATE_RULES } from '../optimizers';
import type { KernelBuild } from './kernel';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const paramsOf = (c: GoldenCase) => ({ ...optimizerDefaults(c.optimizer), ...c.params });

function tfjsSteps(c: GoldenCase): Float32Array[] {
  const rule = UPDATE_RULES[c.optimizer];
  const params = paramsOf(c);
  let weight: tf.Tensor = tf.tensor1d(c.initial);
  let slots = Object.fromEntries(Object.entries(rule.slots(params)).map(([k, v]) => [k, tf.fill([c.initial.length], v)]));
  return c.gradients.map((g, step) => {
    const gradient = tf.tensor1d(g);
    const next = applyStep(rule, [weight], [gradient], [slots], step + 1, params);
    tf.dispose([weight, gradient, ...Object.values(slots)]);
    [weight] = next.weights;
    [slots] = next.slots;
    return weight.dataSync() as Float32Array;
  });
}

/** The case's vector in the first elements of every tensor (the rest zero, so untouched), stepped with applyGradients. */
async function kernelSteps(build: KernelBuild, c: GoldenCase): Promise<Float32Array[][]> {
  const hidden = Math.max(NETWORK_LIMITS.minUnits, c.initial.length);
  const sizes = [IMAGE_SIZE * hidden, hidden, hidden * NUM_CLASSES, NUM_CLASSES];
  const place = (values: number[]) => sizes.map((n) => Float32Array.from({ length: n }, (_, i) => (i < values.length ? values[i] : 0)));
  const trainer = await (await loadKernel(build)).createTrainer({ network: { hiddenLayers: [hidden], activation: 'relu' }, maxBatch: 1, runs: [{ optimizer: c.optimizer, hyperparameters: paramsOf(c) }], initial: place(c.initial) });
  const out = c.gradients.map((g) => {
    trainer.applyGradients(0, place(g));
    return trainer.weights(0);
  });
  trainer.dispose();
  return out;
}

describe('Keras 3\'s golden values', () => {
  const name = (c: GoldenCase) => `${c.test} (${JSON.stringify(c.params)})`;
  it.each(KERAS_GOLDEN.map((c) => [name(c), c] as const))('tfjs: %s', (_name, c) => {
    tfjsSteps(c).forEach((w, step) => {
      const expected = c.expected[step];
      if (expected) expect(allClose(w, expected, c.tolerance), `step ${step + 1}: ${Array.from(w).join(', ')}`).toBe(true);
    });
  });

  it.each((['simd', 'relaxed-simd'] as const).flatMap((build) => KERAS_GOLDEN.map((c) => [build, name(c), c] as const)))('kernel, %s build: %s', async (build, _name, c) => {
    (await kernelSteps(build, c)).forEach((tensors, step) => {
      const expected = c.expected[step];
      // Keras's vector cases concern variables that are not 2-D: with a matrix step (Muon) only the biases take them.
      const checked = OPTIMIZERS[c.optimizer].matrix ? tensors.filter((_, i) => i % 2 === 1) : tensors;
      if (expected) checked.forEach((w, i) => expect(allClose(w, expected, c.tolerance), `step ${step + 1}, tensor ${i}`).toBe(true));
    });
  });

  it('are not met by a wrong rule (the tolerance is tight enough to matter)', () => {
    const c = KERAS_GOLDEN.find((g) => g.optimizer === 'adagrad' && g.gradients.length > 1)!;
    const wrong = { ...c, params: { ...c.params, epsilon: 1e-2 } };
    expect(tfjsSteps(wrong).some((w, step) => !allClose(w, c.expected[step]!, c.tolerance))).toBe(true);
  });

  it('are not met by AdamW without its weight decay', () => {
    const c = KERAS_GOLDEN.find((g) => g.optimizer === 'adamw' && g.initial.length === 10)!;
    expect(allClose(tfjsSteps({ ...c, params: { ...c.params, weightDecay: 0 } })[4], c.expected[4]!, c.tolerance)).toBe(false);
  });

  it('cover every optimizer', () => {
    expect(new Set(KERAS_GOLDEN.map((c) => c.optimizer))).toEqual(new Set(OPTIMIZER_IDS));
  });
});

describe('the float64 reference cases (kerasReference.ts)', () => {
  it('cover every variant of every optimizer', () => {
    const covered = new Set(CASES.map(([id, , params]) => variantFor(OPTIMIZERS[id], params).name));
    expect([...covered].sort()).toEqual(OPTIMIZER_IDS.flatMap((id) => variantsOf(OPTIMIZERS[id]).map((v) => v.name)).sort());
  });
});
