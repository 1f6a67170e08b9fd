/**
 * Each update rule against the Keras 3 formulas computed independently in float64
 * (docs/OPTIMIZERS.md; src/testing/kerasReference.ts), over several steps on fixed vectors.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, optimizerDefaults, type OptimizerId } from '../../experiment/optimizers';
import { createProgramRunner } from '../../experiment/programEvaluator';
import type { ScheduleSettings } from '../../experiment/schedules';
import type { ParameterValues } from '../../experiment/parameters';
import { CASES, ftrlFloat32Reference, GRADIENTS, maxRelativeError, reference, W0, type Vec } from '../../testing/kerasReference';
import type { CompiledProgram, Node } from '../../experiment/algebra';
import { applyStep, evaluateProgram, UPDATE_RULES } from './index';

function runRule(id: OptimizerId, params: ParameterValues): Vec[] {
  const rule = UPDATE_RULES[id];
  let weight: tf.Tensor = tf.tensor1d(W0);
  let slots = Object.fromEntries(Object.entries(rule.slots(params)).map(([k, v]) => [k, tf.fill([W0.length], v)]));
  const out: Vec[] = [];
  GRADIENTS.forEach((g, step) => {
    const gradient = tf.tensor1d(g);
    const next = applyStep(rule, [weight], [gradient], [slots], step + 1, params);
    tf.dispose([weight, gradient, ...Object.values(slots)]);
    [weight] = next.weights;
    [slots] = next.slots;
    out.push(Array.from(weight.dataSync()));
  });
  tf.dispose([weight, ...Object.values(slots)]);
  return out;
}

describe('update rules match the Keras 3 formulas', () => {
  it.each(CASES)('%s (%s)', (id, _name, params, tolerance) => {
    const actual = runRule(id, params);
    const expected = reference[id](params);
    expect(maxRelativeError(actual, expected)).toBeLessThanOrEqual(tolerance ?? 1e-6);
    // Guard against a vacuous pass: the weights moved well beyond the tolerance
    // (Keras's Adadelta defaults move them least, by ~6e-6 over these steps).
    expect(maxRelativeError(expected.slice(-1), [W0])).toBeGreaterThan(5e-6);
  });

  it('Ftrl at Keras\'s defaults is Keras\'s float32 arithmetic (its distance from float64 is Keras\'s own)', () => {
    const params = optimizerDefaults('ftrl');
    const actual = runRule('ftrl', params);
    expect(maxRelativeError(actual, ftrlFloat32Reference(params))).toBeLessThanOrEqual(1e-6);
    expect(maxRelativeError(actual, reference.ftrl(params))).toBeGreaterThan(1e-5);
    // The pow variant too, at Keras's own test settings.
    const keras = { ...params, learningRate: 0.05, learningRatePower: -0.2, initialAccumulator: 0.4, l1: 0.05, l2: 0.15, l2Shrinkage: 0.01, beta: 0.3 };
    expect(maxRelativeError(runRule('ftrl', keras), ftrlFloat32Reference(keras))).toBeLessThanOrEqual(1e-6);
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

describe('the evaluator\'s abs, sign, min, max and pow', () => {
  /** Evaluates one operation of the gradient (and the constant c) as a program's new weight. */
  function apply(op: Node['op'], values: number[], c?: number): Float32Array {
    const nodes: Node[] = [{ op: 'gradient', args: [] }];
    if (c !== undefined) nodes.push({ op: 'constant', name: 'c', args: [] });
    nodes.push({ op, args: c === undefined ? [0] : [0, 1] });
    const program: CompiledProgram = { nodes, weight: nodes.length - 1, slots: [], constants: c === undefined ? [] : ['c'], scalars: [], reductions: [], zeroGradientKeepsState: false, key: op };
    const [weight, gradient] = [tf.zeros([values.length]), tf.tensor1d(values)];
    const out = evaluateProgram(program, weight, gradient, {}, { c: c ?? 0 }, {});
    const data = out.weight.dataSync() as Float32Array;
    tf.dispose([weight, gradient, out.weight]);
    return data;
  }
  const G = [-2, -0, 0, 0.5, NaN, 3];

  it('sign is -1, +0 or 1: both zeros and NaN give +0 (tfjs\'s sign; the kernel\'s too)', () => {
    expect(Array.from(apply('sign', G))).toEqual([-1, 0, 0, 1, 0, 1]);
    expect(Object.is(apply('sign', [-0])[0], 0)).toBe(true);
  });

  it('abs clears the sign, NaN stays NaN', () => {
    expect(Array.from(apply('abs', G))).toEqual([2, 0, 0, 0.5, NaN, 3]);
    expect(Object.is(apply('abs', [-0])[0], 0)).toBe(true);
  });

  it('min and max propagate NaN; min(-0, +0) is -0 and max(-0, +0) is +0', () => {
    expect(Array.from(apply('min', G, 0.25))).toEqual([-2, -0, 0, 0.25, NaN, 0.25]);
    expect(Array.from(apply('max', G, -0.25))).toEqual([-0.25, -0, 0, 0.5, NaN, 3]);
    expect(Object.is(apply('min', [-0], 0)[0], -0)).toBe(true);
    expect(Object.is(apply('max', [-0], 0)[0], 0)).toBe(true);
  });

  it('pow is double pow rounded to float32', () => {
    const f = Math.fround;
    expect(Array.from(apply('pow', [0, 0.1, 2, 1e6], f(0.3)))).toEqual([0, 0.1, 2, 1e6].map((x) => f(f(x) ** f(0.3))));
    expect(Array.from(apply('pow', [0, 0.1], 0))).toEqual([1, 1]);
  });

  it('ifPositive takes the first branch where x > 0: zeros of either sign and NaN take the second', () => {
    // x = g, branches the constants 10 and -10 (nodes 1 and 2).
    const nodes: Node[] = [{ op: 'gradient', args: [] }, { op: 'constant', name: 'a', args: [] }, { op: 'constant', name: 'b', args: [] }, { op: 'ifPositive', args: [0, 1, 2] }];
    const program: CompiledProgram = { nodes, weight: 3, slots: [], constants: ['a', 'b'], scalars: [], reductions: [], zeroGradientKeepsState: false, key: 'ifPositive' };
    const [weight, gradient] = [tf.zeros([G.length]), tf.tensor1d(G)];
    const out = evaluateProgram(program, weight, gradient, {}, { a: 10, b: -10 }, {});
    expect(Array.from(out.weight.dataSync())).toEqual([-10, -10, -10, 10, -10, 10]);
    tf.dispose([weight, gradient, out.weight]);
  });

  it('sum adds up the whole tensor, in double rounded once (1 + 4·2⁻²⁴ is 1 + 2⁻²² where float32 steps would give 1)', () => {
    // w − Σg², broadcast to every element.
    const nodes: Node[] = [{ op: 'weight', args: [] }, { op: 'gradient', args: [] }, { op: 'square', args: [1] }, { op: 'sum', args: [2] }, { op: 'sub', args: [0, 3] }];
    const program: CompiledProgram = { nodes, weight: 4, slots: [], constants: [], scalars: [], reductions: [3], zeroGradientKeepsState: false, key: 'sum' };
    const run = (w: number[], g: number[]) => {
      const [weight, gradient] = [tf.tensor2d(w, [w.length / 2, 2]), tf.tensor2d(g, [g.length / 2, 2])];
      const out = evaluateProgram(program, weight, gradient, {}, {}, {});
      const data = Array.from(out.weight.dataSync());
      tf.dispose([weight, gradient, out.weight]);
      return data;
    };
    // Σ(1, 4, 0.25, 0) = 5.25 over a 2 x 2 tensor.
    expect(run([1, 2, 3, 4], [1, -2, 0.5, 0])).toEqual([-4.25, -3.25, -2.25, -1.25]);
    const tiny = 2 ** -12;
    expect(run([0, 0, 0, 0, 0, 0], [-1, tiny, tiny, tiny, tiny, 0])).toEqual(new Array(6).fill(-(1 + 2 ** -22)));
  });
});

describe("the shared knobs and schedules around a rule, as Keras's apply takes them", () => {
  // The float64 runner (experiment/programEvaluator.ts, the lab's) applies clipping and decay in its own
  // code (knobs.ts); here the tfjs step, with its own tf ops, must agree with it over every step.
  const cases: [string, OptimizerId, ParameterValues, ScheduleSettings | undefined][] = [
    ['SGD, clip value 0.05', 'sgd', { ...optimizerDefaults('sgd'), learningRate: 0.1, clipValue: 0.05 }, undefined],
    ['Adam, clip norm 0.1', 'adam', { ...optimizerDefaults('adam'), learningRate: 0.1, clipNorm: 0.1 }, undefined],
    ['RMSprop, global clip norm 0.2', 'rmsprop', { ...optimizerDefaults('rmsprop'), learningRate: 0.05, globalClipNorm: 0.2 }, undefined],
    ['SGD momentum, weight decay 0.5', 'sgd', { ...optimizerDefaults('sgd'), learningRate: 0.1, momentum: 0.9, weightDecay: 0.5 }, undefined],
    ['Lion, weight decay 0.3, exponential decay', 'lion', { ...optimizerDefaults('lion'), learningRate: 0.1, weightDecay: 0.3 }, { kind: 'exponential', values: { decaySteps: 2, decayRate: 0.5, staircase: false } }],
    ['AdamW, cosine with warmup', 'adamw', { ...optimizerDefaults('adamw'), learningRate: 0, weightDecay: 0.1 }, { kind: 'cosine', values: { decaySteps: 3, alpha: 0.1, warmupSteps: 2, warmupTarget: 0.2 } }],
    // Lamb's norms see the clipped gradient and the decayed weight.
    ['Lamb, lr 0.02, clip norm 0.5, weight decay 0.2', 'lamb', { ...optimizerDefaults('lamb'), learningRate: 0.02, clipNorm: 0.5, weightDecay: 0.2 }, undefined],
    ['Adagrad, piecewise', 'adagrad', { ...optimizerDefaults('adagrad'), learningRate: 0.1 }, { kind: 'piecewise', values: { boundaries: [1, 3], values: [0.3, 0.1, 0.02] } }],
  ];
  it.each(cases)('%s', (_name, id, params, schedule) => {
    const rule = UPDATE_RULES[id];
    const runner = createProgramRunner(OPTIMIZERS[id], params, W0, schedule);
    let weight: tf.Tensor = tf.tensor1d(W0);
    let slots = Object.fromEntries(Object.entries(rule.slots(params)).map(([k, v]) => [k, tf.fill([W0.length], v)]));
    let moved = 0;
    GRADIENTS.forEach((g, step) => {
      const gradient = tf.tensor1d(g);
      const next = applyStep(rule, [weight], [gradient], [slots], step + 1, params, schedule);
      tf.dispose([weight, gradient, ...Object.values(slots)]);
      [weight] = next.weights;
      [slots] = next.slots;
      runner.step(g);
      expect(maxRelativeError([Array.from(weight.dataSync())], [Array.from(runner.weights)]), `step ${step + 1}`).toBeLessThanOrEqual(1e-6);
      moved = maxRelativeError([Array.from(runner.weights)], [W0]);
    });
    tf.dispose([weight, ...Object.values(slots)]);
    expect(moved).toBeGreaterThan(1e-3);
  });

  it('the knobs change the steps (each case differs from the same rule without them)', () => {
    for (const [name, id, params, schedule] of cases) {
      const plain = createProgramRunner(OPTIMIZERS[id], { ...params, weightDecay: 0, clipNorm: 0, clipValue: 0, globalClipNorm: 0 }, W0);
      const knobbed = createProgramRunner(OPTIMIZERS[id], params, W0, schedule);
      for (const g of GRADIENTS) {
        plain.step(g);
        knobbed.step(g);
      }
      expect(maxRelativeError([Array.from(knobbed.weights)], [Array.from(plain.weights)]), name).toBeGreaterThan(1e-3);
    }
  });
});
