/**
 * Muon's matrix step on the tfjs engine (keras/src/optimizers/muon.py): Newton–Schulz
 * against Keras's golden values and a float64 reference, the whole step over several
 * steps on a matrix and a bias against the float64 references, Keras's golden values
 * for 2-D variables, and that a 2-D weight takes the matrix step and a vector the AdamW one.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { optimizerDefaults } from '../../experiment/optimizers';
import type { ParameterValues } from '../../experiment/parameters';
import { allClose, KERAS_MATRIX_GOLDEN, KERAS_NEWTON_SCHULZ } from '../../testing/kerasGolden';
import { GRADIENTS, maxRelativeError, muonMatrixReference, newtonSchulz64, reference, seededMatrix, W0, type Matrix } from '../../testing/kerasReference';
import { normRelativeError } from '../../testing/kernelFixtures';
import { applyStep, UPDATE_RULES } from './index';
import { newtonSchulz } from './matrix';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const KERAS_NS = { a: 3.4445, b: -4.775, c: 2.0315, steps: 5 };

function tfjsNewtonSchulz(u: Matrix, settings = KERAS_NS): Matrix {
  return tf.tidy(() => newtonSchulz(tf.tensor2d(u), settings).arraySync());
}

const maxAbsoluteError = (a: Matrix, b: Matrix) => Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - b[i][j]))));

/** Eigenvalues of the symmetric matrix s by cyclic Jacobi rotations (float64; small matrices only). */
function symmetricEigenvalues(s: Matrix): number[] {
  const a = s.map((row) => [...row]);
  const n = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), sn = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [a[k][p], a[k][q]];
          a[k][p] = c * akp - sn * akq;
          a[k][q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [a[p][k], a[q][k]];
          a[p][k] = c * apk - sn * aqk;
          a[q][k] = sn * apk + c * aqk;
        }
      }
    }
  }
  return a.map((row, i) => row[i]).sort((x, y) => x - y);
}

/** Singular values of x (from the eigenvalues of the smaller Gram matrix). */
function singularValues(x: Matrix): number[] {
  const tall = x.length > x[0].length;
  const rows = tall ? x[0].map((_, j) => x.map((row) => row[j])) : x;
  const gram = rows.map((r) => rows.map((s) => r.reduce((sum, v, k) => sum + v * s[k], 0)));
  return symmetricEigenvalues(gram).map((e) => Math.sqrt(Math.max(e, 0)));
}

describe('Newton–Schulz (zeropower_via_newtonschulz5)', () => {
  it("gives Keras's golden values (muon_test.py test_Newton_Schulz)", () => {
    const { input, expected, tolerance } = KERAS_NEWTON_SCHULZ;
    expect(allClose(tfjsNewtonSchulz(input).flat(), expected.flat(), tolerance)).toBe(true);
    expect(allClose(newtonSchulz64(input, KERAS_NS).flat(), expected.flat(), tolerance)).toBe(true);
    // Not met by too few iterations: the tolerance matters.
    expect(allClose(tfjsNewtonSchulz(input, { ...KERAS_NS, steps: 3 }).flat(), expected.flat(), tolerance)).toBe(false);
  });

  it.each([
    [7, 12],
    [12, 7],
    [10, 10],
    [40, 10],
  ])('on a seeded %i x %i matrix matches the float64 reference, and its singular values lie near 1', (rows, cols) => {
    // Columns scaled by 0.6^j: singular values spread over more than a decade.
    const u = seededMatrix(rows, cols, rows * 100 + cols).map((row) => row.map((x, j) => x * 0.6 ** j));
    const expected = newtonSchulz64(u, KERAS_NS);
    expect(maxAbsoluteError(tfjsNewtonSchulz(u), expected)).toBeLessThan(2e-5);
    // Keras's quintic is tuned for speed, not convergence: after five steps the result is
    // U S' Vᵀ with S' roughly in (0.5, 1.5) rather than U Vᵀ (Jordan et al.), while u's spread widely.
    const before = singularValues(u);
    expect(before[before.length - 1] / before[0]).toBeGreaterThan(5);
    for (const s of singularValues(expected)) {
      expect(s).toBeGreaterThan(0.45);
      expect(s).toBeLessThan(1.5);
    }
  });
});

/** Muon over GRADIENTS-shaped steps on [a matrix, a bias] with applyStep. */
function tfjsMuon(params: ParameterValues, initial: Matrix, gradients: readonly Matrix[]) {
  const rule = UPDATE_RULES.muon;
  let weights: tf.Tensor[] = [tf.tensor2d(initial), tf.tensor1d(W0)];
  let slots = weights.map((w) => Object.fromEntries(Object.entries(rule.slots(params)).map(([k, v]) => [k, tf.fill(w.shape, v)])));
  const matrices: Matrix[] = [];
  const vectors: number[][] = [];
  gradients.forEach((g, step) => {
    const tensors = [tf.tensor2d(g), tf.tensor1d(GRADIENTS[step % GRADIENTS.length])];
    const next = applyStep(rule, weights, tensors, slots, step + 1, params);
    tf.dispose([...tensors, ...weights, ...slots.flatMap((s) => Object.values(s))]);
    ({ weights, slots } = next);
    matrices.push(weights[0].arraySync() as Matrix);
    vectors.push(Array.from(weights[1].dataSync()));
  });
  tf.dispose([...weights, ...slots.flatMap((s) => Object.values(s))]);
  return { matrices, vectors };
}

describe('Muon on the tfjs engine', () => {
  const initial = seededMatrix(9, 5, 1);
  const gradients = GRADIENTS.map((_, step) => seededMatrix(9, 5, 10 + step));
  const cases: [string, ParameterValues][] = [
    ['Keras defaults', optimizerDefaults('muon')],
    ['lr 0.05, weight decay 0.2, Adam weight decay 0.3, Adam ratio 2', { ...optimizerDefaults('muon'), learningRate: 0.05, weightDecay: 0.2, adamWeightDecay: 0.3, adamLrRatio: 2 }],
    ['lr 0.05, no Nesterov, momentum 0.8, 3 steps, rms rate off', { ...optimizerDefaults('muon'), learningRate: 0.05, nesterov: false, momentum: 0.8, nsSteps: 3, rmsRate: 0 }],
  ];

  it.each(cases)('a matrix takes the Muon step and a vector the AdamW step, as the float64 references (%s)', (_name, params) => {
    const { matrices, vectors } = tfjsMuon(params, initial, gradients);
    const expected = muonMatrixReference(params, initial, gradients);
    // Norm-wise: float32 rounding of the orthogonalised step (~1e-7 of lr) is a larger share of weights near 0.
    matrices.forEach((w, step) => expect(normRelativeError(w.flat(), expected[step].flat()), `step ${step + 1}`).toBeLessThanOrEqual(1e-6));
    expect(maxRelativeError(vectors, reference.muon(params))).toBeLessThanOrEqual(1e-6);
    // The weights moved well beyond the tolerance.
    expect(maxRelativeError([expected[expected.length - 1].flat()], [initial.flat()])).toBeGreaterThan(1e-3);
  });

  it('differs from the reference with the other Nesterov setting (the switch is honoured)', () => {
    const params = { ...optimizerDefaults('muon'), learningRate: 0.05 };
    const { matrices } = tfjsMuon(params, initial, gradients);
    const other = muonMatrixReference({ ...params, nesterov: false }, initial, gradients);
    expect(normRelativeError(matrices[matrices.length - 1].flat(), other[other.length - 1].flat())).toBeGreaterThan(1e-4);
  });

  it.each(KERAS_MATRIX_GOLDEN.map((c) => [c.test, c] as const))("gives Keras's golden values: %s", (_name, c) => {
    const params = { ...optimizerDefaults('muon'), ...c.params };
    const { matrices } = tfjsMuon(params, c.initial, c.gradients);
    expect(allClose(matrices[matrices.length - 1].flat(), c.expected.flat(), c.tolerance), JSON.stringify(matrices)).toBe(true);
    expect(allClose(muonMatrixReference(params, c.initial, c.gradients).slice(-1)[0].flat(), c.expected.flat(), c.tolerance)).toBe(true);
  });

  it('creates no tensors beyond what it returns', () => {
    const before = tf.memory().numTensors;
    tfjsMuon(optimizerDefaults('muon'), initial, gradients);
    expect(tf.memory().numTensors).toBe(before);
  });
});
