/**
 * Test helper: the Keras 3 update rules computed independently in float64
 * (docs/OPTIMIZERS.md), on fixed vectors, with the cases the rule tests
 * use. Shared by the tfjs rule tests and the wasm kernel's single-step tests.
 */
import { optimizerDefaults, type OptimizerId } from '../experiment/optimizers';
import type { ParameterValues } from '../experiment/parameters';

export type Vec = number[];
export const W0: Vec = [0.5, -1.2, 2.0, 0.75, -0.3];
export const GRADIENTS: Vec[] = [
  [0.1, -0.4, 0.25, 1.5, -0.02],
  [-0.3, 0.2, 0.05, 1.1, 0.4],
  [0.7, -0.1, -0.6, 0.9, 0.01],
  [0.05, 0.3, 0.2, -0.8, -0.5],
  [-0.2, -0.25, 0.1, 0.6, 0.3],
  [0.4, 0.15, -0.05, -0.3, 0.2],
];

/**
 * Keras formulas, element by element, in float64, except the scalars Keras itself
 * computes in float32 (Adam's step size). Returns the weights after every step.
 */
export const reference = {
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
      // adam.py casts lr, beta_1 and beta_2 to float32 before power and sqrt: alpha is float32 arithmetic.
      const f = Math.fround;
      const alpha = f(f(f(lr) * f(Math.sqrt(f(1 - f(f(b2) ** t))))) / f(1 - f(f(b1) ** t)));
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
} as Record<OptimizerId, (p: ParameterValues) => Vec[]>;

/**
 * keras/src/optimizers/nadam.py: the elementwise formula in float64; the scalars
 * as Keras computes them, in float32 from beta_1 and beta_2 cast to float32
 * (1 - beta_2^t in float32 is off the exact value by up to ~1e-5 relative, and
 * so are Keras's own steps): u_t = beta_1 (1 - 0.5 * 0.96^t); u_product, updated
 * once per step as u_product * beta_1 * (1 - 0.5 * 0.96^t); 1 - beta_1 and 1 - beta_2.
 */
function nadamReference(p: ParameterValues): Vec[] {
  const f = Math.fround;
  const lr = p.learningRate as number, eps = p.epsilon as number;
  const b1 = f(p.beta1 as number), b2 = f(p.beta2 as number), decay = f(0.96);
  const w = [...W0], m = W0.map(() => 0), v = W0.map(() => 0), out: Vec[] = [];
  const u = (t: number) => f(b1 * f(1 - f(0.5 * f(decay ** t))));
  let uProduct = 1;
  GRADIENTS.forEach((g, step) => {
    const t = step + 1;
    uProduct = f(f(uProduct * b1) * f(1 - f(0.5 * f(decay ** t))));
    const uProductNext = f(uProduct * u(t + 1));
    const beta2Power = f(b2 ** t);
    for (let i = 0; i < w.length; i++) {
      m[i] += (g[i] - m[i]) * f(1 - b1);
      v[i] += (g[i] * g[i] - v[i]) * f(1 - b2);
      const mHat = (u(t + 1) * m[i]) / f(1 - uProductNext) + (f(1 - u(t)) * g[i]) / f(1 - uProduct);
      const vHat = v[i] / f(1 - beta2Power);
      w[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    out.push([...w]);
  });
  return out;
}
reference.nadam = nadamReference;

export function maxRelativeError(actual: Vec[], expected: Vec[]): number {
  let worst = 0;
  actual.forEach((row, s) => row.forEach((a, i) => (worst = Math.max(worst, Math.abs(a - expected[s][i]) / Math.abs(expected[s][i])))));
  return worst;
}

// Large learning rates so the updates are far above float32 rounding of the weights.
export const CASES: [OptimizerId, string, ParameterValues][] = [
  ['sgd', 'Keras defaults', optimizerDefaults('sgd')],
  ['sgd', 'lr 0.2', { ...optimizerDefaults('sgd'), learningRate: 0.2 }],
  ['sgd', 'momentum 0.9', { ...optimizerDefaults('sgd'), learningRate: 0.1, momentum: 0.9 }],
  ['sgd', 'Nesterov momentum 0.9', { ...optimizerDefaults('sgd'), learningRate: 0.1, momentum: 0.9, nesterov: true }],
  ['adam', 'Keras defaults', optimizerDefaults('adam')],
  ['adam', 'lr 0.1', { ...optimizerDefaults('adam'), learningRate: 0.1 }],
  ['adam', 'lr 0.1, epsilon 0.1, AMSGrad', { ...optimizerDefaults('adam'), learningRate: 0.1, epsilon: 0.1, amsgrad: true }],
  ['adagrad', 'Keras defaults', optimizerDefaults('adagrad')],
  ['adagrad', 'lr 0.1, accumulator 0.5', { ...optimizerDefaults('adagrad'), learningRate: 0.1, initialAccumulator: 0.5 }],
  ['adagrad', 'lr 0.1, epsilon 0.1', { ...optimizerDefaults('adagrad'), learningRate: 0.1, epsilon: 0.1 }],
  ['adadelta', 'Keras defaults', optimizerDefaults('adadelta')],
  ['adadelta', 'lr 1, rho 0.9, epsilon 1e-3', { ...optimizerDefaults('adadelta'), learningRate: 1, rho: 0.9, epsilon: 1e-3 }],
  ['rmsprop', 'Keras defaults', optimizerDefaults('rmsprop')],
  ['rmsprop', 'lr 0.05', { ...optimizerDefaults('rmsprop'), learningRate: 0.05 }],
  ['rmsprop', 'lr 0.05, epsilon 0.1', { ...optimizerDefaults('rmsprop'), learningRate: 0.05, epsilon: 0.1 }],
  ['rmsprop', 'lr 0.05, momentum 0.5', { ...optimizerDefaults('rmsprop'), learningRate: 0.05, momentum: 0.5 }],
  ['rmsprop', 'lr 0.05, centered', { ...optimizerDefaults('rmsprop'), learningRate: 0.05, centered: true }],
  ['rmsprop', 'lr 0.05, momentum 0.5, centered', { ...optimizerDefaults('rmsprop'), learningRate: 0.05, momentum: 0.5, centered: true }],
  ['nadam', 'Keras defaults', optimizerDefaults('nadam')],
  ['nadam', 'lr 0.1', { ...optimizerDefaults('nadam'), learningRate: 0.1 }],
  ['nadam', 'lr 0.05, beta1 0.5, beta2 0.67, epsilon 1e-5 (Keras\'s test settings)', { ...optimizerDefaults('nadam'), learningRate: 0.05, beta1: 0.5, beta2: 0.67, epsilon: 1e-5 }],
];
