/**
 * Each update rule against the Keras 3 formulas computed independently in float64
 * (docs/OPTIMIZERS.md; src/testing/kerasReference.ts), over several steps on fixed vectors.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { optimizerDefaults, type OptimizerId } from '../../experiment/optimizers';
import type { ParameterValues } from '../../experiment/parameters';
import { CASES, GRADIENTS, maxRelativeError, reference, W0, type Vec } from '../../testing/kerasReference';
import { applyRule, UPDATE_RULES } from './index';

function runRule(id: OptimizerId, params: ParameterValues): Vec[] {
  const rule = UPDATE_RULES[id];
  let weight: tf.Tensor = tf.tensor1d(W0);
  let slots = Object.fromEntries(Object.entries(rule.slots(params)).map(([k, v]) => [k, tf.fill([W0.length], v)]));
  const out: Vec[] = [];
  GRADIENTS.forEach((g, step) => {
    const gradient = tf.tensor1d(g);
    const next = applyRule(rule, weight, gradient, slots, step + 1, params);
    tf.dispose([weight, gradient, ...Object.values(slots)]);
    weight = next.weight;
    slots = next.slots;
    out.push(Array.from(weight.dataSync()));
  });
  tf.dispose([weight, ...Object.values(slots)]);
  return out;
}

describe('update rules match the Keras 3 formulas', () => {
  it.each(CASES)('%s (%s)', (id, _name, params) => {
    const actual = runRule(id, params);
    const expected = reference[id](params);
    expect(maxRelativeError(actual, expected)).toBeLessThanOrEqual(1e-6);
    // Guard against a vacuous pass: the weights moved well beyond the tolerance
    // (Keras's Adadelta defaults move them least, by ~6e-6 over these steps).
    expect(maxRelativeError(expected.slice(-1), [W0])).toBeGreaterThan(5e-6);
  });

  it('creates no tensors beyond what it returns', () => {
    const before = tf.memory().numTensors;
    for (const [id, , params] of CASES) runRule(id, params);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('differs from tf.train.adadelta, whose first step is plain SGD', () => {
    const params = { ...optimizerDefaults('adadelta'), learningRate: 1 };
    const keras = reference.adadelta(params)[0];
    const sgdLike = W0.map((w, i) => w - GRADIENTS[0][i]);
    expect(Math.abs(keras[0] - sgdLike[0])).toBeGreaterThan(0.01);
    expect(maxRelativeError([runRule('adadelta', params)[0]], [keras])).toBeLessThanOrEqual(1e-6);
  });
});
