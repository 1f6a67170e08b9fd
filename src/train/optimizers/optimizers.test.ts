/**
 * Each update rule against the Keras 3 formulas computed independently in float64
 * (../shared/KERAS-OPTIMIZERS.md), over several steps on fixed vectors.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { optimizerDefaults, type OptimizerId } from '../../experiment/optimizers';
import type { ParameterValues } from '../../experiment/parameters';
import { applyRule, UPDATE_RULES } from './index';

type Vec = number[];
const W0: Vec = [0.5, -1.2, 2.0, 0.75, -0.3];
const GRADIENTS: Vec[] = [
  [0.1, -0.4, 0.25, 1.5, -0.02],
  [-0.3, 0.2, 0.05, 1.1, 0.4],
  [0.7, -0.1, -0.6, 0.9, 0.01],
  [0.05, 0.3, 0.2, -0.8, -0.5],
  [-0.2, -0.25, 0.1, 0.6, 0.3],
  [0.4, 0.15, -0.05, -0.3, 0.2],
];

/** Keras formulas, element by element, in float64. Returns the weights after every step. */
const reference: Record<OptimizerId, (p: ParameterValues) => Vec[]> = {
  sgd: (p) => {
    const lr = p.learningRate as number, mu = p.momentum as number;
    const w = [...W0], v = W0.map(() => 0), out: Vec[] = [];
    for (const g of GRADIENTS) {
      for (let i = 0; i < w.length; i++) {
        if (mu === 0) w[i] -= lr * g[i];
        else {
          v[i] = mu * v[i] - lr * g[i];
          w[i] += p.nesterov ? mu * v[i] - lr * g[i] : v[i];
        }
      }
      out.push([...w]);
    }
    return out;
  },
  adam: (p) => {
    const lr = p.learningRate as number, b1 = p.beta1 as number, b2 = p.beta2 as number, eps = p.epsilon as number;
    const w = [...W0], m = W0.map(() => 0), v = W0.map(() => 0), vHat = W0.map(() => 0), out: Vec[] = [];
    GRADIENTS.forEach((g, step) => {
      const t = step + 1;
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let i = 0; i < w.length; i++) {
        m[i] += (g[i] - m[i]) * (1 - b1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
        vHat[i] = Math.max(vHat[i], v[i]);
        w[i] -= (alpha * m[i]) / (Math.sqrt(p.amsgrad ? vHat[i] : v[i]) + eps);
      }
      out.push([...w]);
    });
    return out;
  },
  adagrad: (p) => {
    const lr = p.learningRate as number, eps = p.epsilon as number;
    const w = [...W0], a = W0.map(() => p.initialAccumulator as number), out: Vec[] = [];
    for (const g of GRADIENTS) {
      for (let i = 0; i < w.length; i++) {
        a[i] += g[i] * g[i];
        w[i] -= (lr * g[i]) / Math.sqrt(a[i] + eps);
      }
      out.push([...w]);
    }
    return out;
  },
  adadelta: (p) => {
    const lr = p.learningRate as number, rho = p.rho as number, eps = p.epsilon as number;
    const w = [...W0], eg = W0.map(() => 0), ed = W0.map(() => 0), out: Vec[] = [];
    for (const g of GRADIENTS) {
      for (let i = 0; i < w.length; i++) {
        eg[i] = rho * eg[i] + (1 - rho) * g[i] * g[i];
        const d = (-Math.sqrt(ed[i] + eps) / Math.sqrt(eg[i] + eps)) * g[i];
        ed[i] = rho * ed[i] + (1 - rho) * d * d;
        w[i] += lr * d;
      }
      out.push([...w]);
    }
    return out;
  },
  rmsprop: (p) => {
    const lr = p.learningRate as number, rho = p.rho as number, mu = p.momentum as number, eps = p.epsilon as number;
    const w = [...W0], s = W0.map(() => 0), avg = W0.map(() => 0), mom = W0.map(() => 0), out: Vec[] = [];
    for (const g of GRADIENTS) {
      for (let i = 0; i < w.length; i++) {
        s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
        avg[i] = rho * avg[i] + (1 - rho) * g[i];
        const denominator = p.centered ? s[i] - avg[i] * avg[i] + eps : s[i] + eps;
        const increment = (lr * g[i]) / Math.sqrt(denominator);
        if (mu > 0) {
          mom[i] = mu * mom[i] + increment;
          w[i] -= mom[i];
        } else w[i] -= increment;
      }
      out.push([...w]);
    }
    return out;
  },
};

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

function maxRelativeError(actual: Vec[], expected: Vec[]): number {
  let worst = 0;
  actual.forEach((row, s) => row.forEach((a, i) => (worst = Math.max(worst, Math.abs(a - expected[s][i]) / Math.abs(expected[s][i])))));
  return worst;
}

// Large learning rates so the updates are far above float32 rounding of the weights.
const CASES: [OptimizerId, string, ParameterValues][] = [
  ['sgd', 'Keras defaults', optimizerDefaults('sgd')],
  ['sgd', 'lr 0.2', { ...optimizerDefaults('sgd'), learningRate: 0.2 }],
  ['sgd', 'momentum 0.9', { ...optimizerDefaults('sgd'), learningRate: 0.1, momentum: 0.9 }],
  ['sgd', 'Nesterov momentum 0.9', { ...optimizerDefaults('sgd'), learningRate: 0.1, momentum: 0.9, nesterov: true }],
  ['adam', 'Keras defaults', optimizerDefaults('adam')],
  ['adam', 'lr 0.1', { ...optimizerDefaults('adam'), learningRate: 0.1 }],
  ['adam', 'lr 0.1, epsilon 0.1, AMSGrad', { ...optimizerDefaults('adam'), learningRate: 0.1, epsilon: 0.1, amsgrad: true }],
  ['adagrad', 'Keras defaults', optimizerDefaults('adagrad')],
  ['adagrad', 'lr 0.1, accumulator 0.5', { ...optimizerDefaults('adagrad'), learningRate: 0.1, initialAccumulator: 0.5 }],
  ['adadelta', 'Keras defaults', optimizerDefaults('adadelta')],
  ['adadelta', 'lr 1, rho 0.9, epsilon 1e-3', { ...optimizerDefaults('adadelta'), learningRate: 1, rho: 0.9, epsilon: 1e-3 }],
  ['rmsprop', 'Keras defaults', optimizerDefaults('rmsprop')],
  ['rmsprop', 'lr 0.05', { ...optimizerDefaults('rmsprop'), learningRate: 0.05 }],
  ['rmsprop', 'lr 0.05, momentum 0.5, centered', { ...optimizerDefaults('rmsprop'), learningRate: 0.05, momentum: 0.5, centered: true }],
];

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
