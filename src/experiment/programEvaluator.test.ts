import { describe, expect, it } from 'vitest';
import { CASES, GRADIENTS, maxRelativeError, reference, W0, type Vec } from '../testing/kerasReference';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from './optimizers';
import type { ParameterValues } from './parameters';
import { defineOptimizer, div, ifPositive, mul, sqrt, square, sub, sum } from './algebra';
import { createProgramRunner } from './programEvaluator';
import { SURFACES } from './surfaces';

function run(id: (typeof OPTIMIZER_IDS)[number], params: ParameterValues): Vec[] {
  const runner = createProgramRunner(OPTIMIZERS[id], params, W0);
  return GRADIENTS.map((g) => {
    runner.step(g);
    return [...runner.weights];
  });
}

describe('the float64 evaluator of the definitions', () => {
  it('has a reference case for every optimizer', () => {
    for (const id of OPTIMIZER_IDS) expect(CASES.some(([c]) => c === id), id).toBe(true);
  });

  // Float64 against float64: only the order of operations differs. Nadam's scalars are
  // float32 on purpose in both, so it is held to the same bound. Ftrl's are float32 as
  // Keras computes them, and its first step keeps only a sliver of each weight
  // (w·(1 − √(n₀/n₁))), which magnifies the difference to ~3e-8: the 1e-6 bound.
  it.each(CASES)('%s (%s) reproduces the hand-written Keras reference over six steps (1e-9; Ftrl 1e-6)', (id, _name, params) => {
    expect(maxRelativeError(run(id, params), reference[id](params))).toBeLessThan(id === 'ftrl' ? 1e-6 : 1e-9);
  });

  it('sums over every weight before the update, and takes ifPositive\'s branches (hand-computed)', () => {
    // w −= lr·g/‖g‖, with 1 for ‖g‖ where the sum is 0.
    const normalized = defineOptimizer({
      id: 'normalized',
      label: 'Normalized',
      rule: 'w −= lr·g/‖g‖',
      tex: 'w \\leftarrow w - \\mathrm{lr}\\,g/\\lVert g \\rVert',
      about: { summary: 'A test rule. It normalises.', sources: [{ authors: 'Nobody', year: 2026, title: 'Tests', published: 'Here' }] },
      parameters: { learningRate: { kind: 'number', label: 'Learning rate', defaultValue: 0.5, min: 0, max: 1, help: 'Step size.' } },
      constants: (p) => ({ learningRate: p.learningRate, one: 1 }),
      update: ({ w, g, c }) => {
        const squares = sum(square(g));
        return { weight: sub(w, mul(c.learningRate, div(g, ifPositive(squares, sqrt(squares), c.one)))) };
      },
    });
    const runner = createProgramRunner(normalized, { learningRate: 0.5 }, [1, 1, 1]);
    runner.step([3, 0, 4]); // ‖g‖ = 5: w − 0.5·(0.6, 0, 0.8)
    expect([...runner.weights]).toEqual([0.7, 1, 0.6]);
    runner.step([0, 0, 0]); // the sum is 0: divided by 1, so no step
    expect([...runner.weights]).toEqual([0.7, 1, 0.6]);
    runner.step([-0.25, 0, 0]); // ‖g‖ = 0.25: w + 0.5
    expect([...runner.weights]).toEqual([1.2, 1, 0.6]);
  });

  it('keeps its own host state: two runners with the same params object step independently', () => {
    const params = optimizerDefaults('nadam');
    const a = createProgramRunner(OPTIMIZERS.nadam, params, W0);
    const b = createProgramRunner(OPTIMIZERS.nadam, params, W0);
    for (const g of GRADIENTS) a.step(g);
    b.step(GRADIENTS[0]);
    const single = createProgramRunner(OPTIMIZERS.nadam, { ...params }, W0);
    single.step(GRADIENTS[0]);
    expect([...b.weights]).toEqual([...single.weights]);
    expect(a.t).toBe(GRADIENTS.length);
  });
});

/** Hand-written float64 update rules (Keras 3's formulas) on Rosenbrock, independent of the definitions. */
const rosen = SURFACES.rosenbrock;
const START = [-1.5, 2];
const STEPS = 100;

function handAdam(lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): Vec[] {
  const f = Math.fround;
  const w = [...START], m = [0, 0], v = [0, 0], out: Vec[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g = rosen.gradient(w[0], w[1], 0);
    // Keras computes the step size in float32 (adam.py casts lr and the betas first).
    const alpha = f(f(f(lr) * f(Math.sqrt(f(1 - f(f(b2) ** t))))) / f(1 - f(f(b1) ** t)));
    for (let i = 0; i < 2; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
      w[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
    }
    out.push([...w]);
  }
  return out;
}

function handSgdMomentum(lr: number, mu: number): Vec[] {
  const w = [...START], v = [0, 0], out: Vec[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g = rosen.gradient(w[0], w[1], 0);
    for (let i = 0; i < 2; i++) {
      v[i] = mu * v[i] - lr * g[i];
      w[i] += v[i];
    }
    out.push([...w]);
  }
  return out;
}

function handRmsprop(lr: number, rho = 0.9, eps = 1e-7): Vec[] {
  const w = [...START], s = [0, 0], out: Vec[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g = rosen.gradient(w[0], w[1], 0);
    for (let i = 0; i < 2; i++) {
      s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
      w[i] -= (lr * g[i]) / Math.sqrt(s[i] + eps);
    }
    out.push([...w]);
  }
  return out;
}

function onRosenbrock(id: 'adam' | 'sgd' | 'rmsprop', params: ParameterValues): Vec[] {
  const runner = createProgramRunner(OPTIMIZERS[id], params, START);
  const out: Vec[] = [];
  for (let t = 0; t < STEPS; t++) {
    runner.step(rosen.gradient(runner.weights[0], runner.weights[1], 0));
    out.push([...runner.weights]);
  }
  return out;
}

describe('100 steps on Rosenbrock from (−1.5, 2) match a float64 reference within 1e-6 relative (issue 13)', () => {
  it('Adam, lr 0.05', () => {
    const params = { ...optimizerDefaults('adam'), learningRate: 0.05 };
    const expected = handAdam(0.05);
    expect(maxRelativeError(onRosenbrock('adam', params), expected)).toBeLessThan(1e-6);
    // The path really moves: it is not a comparison of two starting points.
    expect(Math.hypot(expected[99][0] - START[0], expected[99][1] - START[1])).toBeGreaterThan(0.3);
  });

  it('SGD with momentum 0.9, lr 0.0005', () => {
    const params = { ...optimizerDefaults('sgd'), learningRate: 0.0005, momentum: 0.9 };
    const expected = handSgdMomentum(0.0005, 0.9);
    expect(maxRelativeError(onRosenbrock('sgd', params), expected)).toBeLessThan(1e-6);
    expect(expected.flat().every(Number.isFinite)).toBe(true);
    expect(Math.hypot(expected[99][0] - START[0], expected[99][1] - START[1])).toBeGreaterThan(0.3);
  });

  it('RMSprop, lr 0.01', () => {
    const params = { ...optimizerDefaults('rmsprop'), learningRate: 0.01 };
    const expected = handRmsprop(0.01);
    expect(maxRelativeError(onRosenbrock('rmsprop', params), expected)).toBeLessThan(1e-6);
    expect(Math.hypot(expected[99][0] - START[0], expected[99][1] - START[1])).toBeGreaterThan(0.3);
  });
});
