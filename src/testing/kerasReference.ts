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

/** The Adam rule on w, m, v, v_hat in place (adam.py); alpha is Keras's float32 step size. */
function adamElement(p: ParameterValues, alpha: number, w: Vec, m: Vec, v: Vec, vHat: Vec, g: Vec, i: number) {
  m[i] += (g[i] - m[i]) * (1 - (p.beta1 as number));
  v[i] += (g[i] * g[i] - v[i]) * (1 - (p.beta2 as number));
  vHat[i] = Math.max(vHat[i], v[i]);
  w[i] -= (alpha * m[i]) / (Math.sqrt(p.amsgrad ? vHat[i] : v[i]) + (p.epsilon as number));
}

/** The step size adam.py computes in float32 from lr, beta_1 and beta_2 cast to float32. */
function adamAlpha(p: ParameterValues, t: number): number {
  const f = Math.fround;
  return f(f(f(p.learningRate as number) * f(Math.sqrt(f(1 - f(f(p.beta2 as number) ** t))))) / f(1 - f(f(p.beta1 as number) ** t)));
}

/**
 * keras/src/optimizers/adamw.py: the base optimizer's decoupled weight decay,
 * w -= w * wd * lr, applied to the variable before Adam's step, which then sees the decayed weight.
 */
reference.adamw = (p) => {
  const lr = p.learningRate as number, wd = p.weightDecay as number;
  const w = [...W0], m = W0.map(() => 0), v = W0.map(() => 0), vHat = W0.map(() => 0), out: Vec[] = [];
  GRADIENTS.forEach((g, step) => {
    const alpha = adamAlpha(p, step + 1);
    for (let i = 0; i < w.length; i++) {
      w[i] -= w[i] * wd * lr;
      adamElement(p, alpha, w, m, v, vHat, g, i);
    }
    out.push([...w]);
  });
  return out;
};

/** keras/src/optimizers/adamax.py; 1 - beta_1^t in float32, as Keras computes it from beta_1 cast to float32. */
reference.adamax = (p) => {
  const f = Math.fround;
  const lr = p.learningRate as number, b1 = p.beta1 as number, b2 = p.beta2 as number, eps = p.epsilon as number;
  const w = [...W0], m = W0.map(() => 0), u = W0.map(() => 0), out: Vec[] = [];
  GRADIENTS.forEach((g, step) => {
    const oneMinusBeta1Power = f(1 - f(f(b1) ** (step + 1)));
    for (let i = 0; i < w.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      u[i] = Math.max(b2 * u[i], Math.abs(g[i]));
      w[i] -= (lr * m[i]) / (oneMinusBeta1Power * (u[i] + eps));
    }
    out.push([...w]);
  });
  return out;
};

/** keras/src/optimizers/lion.py: the weight steps by lr along the sign, then the momentum moves with beta_2. */
reference.lion = (p) => {
  const lr = p.learningRate as number, b1 = p.beta1 as number, b2 = p.beta2 as number;
  const w = [...W0], m = W0.map(() => 0), out: Vec[] = [];
  for (const g of GRADIENTS) {
    for (let i = 0; i < w.length; i++) {
      w[i] -= lr * Math.sign(b1 * m[i] + (1 - b1) * g[i]);
      m[i] = b2 * m[i] + (1 - b2) * g[i];
    }
    out.push([...w]);
  }
  return out;
};

/**
 * keras/src/optimizers/lamb.py: Adam's moments, r = m̂/(√v̂ + ε), and the trust ratio
 * ‖w‖/‖r‖ over the whole vector (one variable), 1 where either norm is 0.
 */
reference.lamb = (p) => {
  const lr = p.learningRate as number, b1 = p.beta1 as number, b2 = p.beta2 as number, eps = p.epsilon as number;
  const w = [...W0], m = W0.map(() => 0), v = W0.map(() => 0), out: Vec[] = [];
  const norm = (x: Vec) => Math.sqrt(x.reduce((total, e) => total + e * e, 0));
  GRADIENTS.forEach((g, step) => {
    const t = step + 1;
    // lamb.py casts beta_1 and beta_2 to float32 before the powers; 1 - power is float32 too.
    const f = Math.fround;
    const [c1, c2] = [f(1 - f(f(b1) ** t)), f(1 - f(f(b2) ** t))];
    const r = w.map((_, i) => {
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
      return m[i] / c1 / (Math.sqrt(v[i] / c2) + eps);
    });
    const [wNorm, rNorm] = [norm(w), norm(r)];
    const ratio = wNorm > 0 && rNorm > 0 ? wNorm / rNorm : 1;
    for (let i = 0; i < w.length; i++) w[i] -= ratio * lr * r[i];
    out.push([...w]);
  });
  return out;
};

/** keras/src/optimizers/ftrl.py (the weight recomputed from the linear accumulator z each step). */
reference.ftrl = (p) => {
  const lr = p.learningRate as number, power = -(p.learningRatePower as number);
  const l1 = p.l1 as number, l2 = (p.l2 as number) + (p.beta as number) / (2 * lr), shrinkage = p.l2Shrinkage as number;
  const w = [...W0], n = W0.map(() => p.initialAccumulator as number), z = W0.map(() => 0), out: Vec[] = [];
  for (const g of GRADIENTS) {
    for (let i = 0; i < w.length; i++) {
      const gradient = g[i] + 2 * shrinkage * w[i];
      const next = n[i] + g[i] * g[i];
      z[i] += gradient - ((next ** power - n[i] ** power) / lr) * w[i];
      n[i] = next;
      w[i] = (Math.min(Math.max(z[i], -l1), l1) - z[i]) / (next ** power / lr + 2 * l2);
    }
    out.push([...w]);
  }
  return out;
};

/**
 * keras/src/optimizers/muon.py on a variable that is not 2-D (all of this file's vectors):
 * Keras's AdamW step at lr·adam_lr_ratio, after Muon's own decay of such variables by
 * adam_weight_decay at lr. The Nesterov switch only concerns matrices.
 */
reference.muon = (p) => {
  const f = Math.fround;
  const lr = p.learningRate as number, wd = p.adamWeightDecay as number;
  const adam = { ...p, learningRate: f(f(lr) * f(p.adamLrRatio as number)), beta1: p.adamBeta1, beta2: p.adamBeta2, amsgrad: false };
  const w = [...W0], m = W0.map(() => 0), v = W0.map(() => 0), vHat = W0.map(() => 0), out: Vec[] = [];
  GRADIENTS.forEach((g, step) => {
    const alpha = adamAlpha(adam, step + 1);
    for (let i = 0; i < w.length; i++) {
      w[i] -= w[i] * wd * lr;
      adamElement(adam, alpha, w, m, v, vHat, g, i);
    }
    out.push([...w]);
  });
  return out;
};

export type Matrix = number[][];
const transpose = (x: Matrix): Matrix => x[0].map((_, j) => x.map((row) => row[j]));
const matMul = (x: Matrix, y: Matrix): Matrix => x.map((row) => y[0].map((_, j) => row.reduce((sum, value, k) => sum + value * y[k][j], 0)));
const combine = (x: Matrix, y: Matrix, a: number, b: number): Matrix => x.map((row, i) => row.map((value, j) => a * value + b * y[i][j]));

/** zeropower_via_newtonschulz5 in float64, in Keras's order (transpose a tall matrix; X = u/(‖u‖ + 1e-7); A = XXᵀ, X = aX + (bA + cA²)X). */
export function newtonSchulz64(u: Matrix, { a, b, c, steps }: { a: number; b: number; c: number; steps: number }): Matrix {
  const tall = u.length > u[0].length;
  let x = tall ? transpose(u) : u;
  const norm = Math.sqrt(x.flat().reduce((sum, value) => sum + value * value, 0));
  x = x.map((row) => row.map((value) => value / (norm + 1e-7)));
  for (let k = 0; k < steps; k++) {
    const gram = matMul(x, transpose(x));
    x = combine(x, matMul(combine(gram, matMul(gram, gram), b, c), x), a, 1);
  }
  return tall ? transpose(x) : x;
}

/**
 * muon.py's Muon step on a 2-D variable in float64, over several steps: Muon's decay of
 * matrices by weight_decay at lr, m += g + m·(momentum − 1), u = g + momentum·m (Nesterov)
 * or m, w −= lr·NS(u)·√max(rows, cols)·rms_rate (rms_rate 0: Keras's None, no scaling).
 */
export function muonMatrixReference(p: ParameterValues, initial: Matrix, gradients: readonly Matrix[]): Matrix[] {
  const lr = p.learningRate as number, wd = p.weightDecay as number, mu = p.momentum as number, rms = p.rmsRate as number;
  const ns = { a: p.muonA as number, b: p.muonB as number, c: p.muonC as number, steps: p.nsSteps as number };
  const scale = rms > 0 ? Math.sqrt(Math.max(initial.length, initial[0].length)) * rms : 1;
  let w = initial.map((row) => [...row]);
  let m = initial.map((row) => row.map(() => 0));
  return gradients.map((g) => {
    w = w.map((row) => row.map((value) => value - value * wd * lr));
    m = m.map((row, i) => row.map((value, j) => value + (g[i][j] + value * (mu - 1))));
    const u = p.nesterov ? m.map((row, i) => row.map((value, j) => g[i][j] + mu * value)) : m;
    const o = newtonSchulz64(u, ns);
    w = w.map((row, i) => row.map((value, j) => value - lr * o[i][j] * scale));
    return w.map((row) => [...row]);
  });
}

/** Seeded matrices for the matrix tests (Mulberry32, values in [-1, 1)). */
export function seededMatrix(rows: number, cols: number, seed: number): Matrix {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * next() - 1));
}

/** Largest |a - e|/|e|; equal values count as no error (Ftrl's l1 sets weights to exactly 0). */
export function maxRelativeError(actual: Vec[], expected: Vec[]): number {
  let worst = 0;
  actual.forEach((row, s) => row.forEach((a, i) => (worst = Math.max(worst, a === expected[s][i] ? 0 : Math.abs(a - expected[s][i]) / Math.abs(expected[s][i])))));
  return worst;
}

/**
 * Ftrl as Keras computes it in float32: every operation of ftrl.py rounded to float32,
 * in its order (n^0.5 as the correctly rounded square root, other powers as double pow
 * rounded). Not independent of the definition's arithmetic, on purpose: it pins down that
 * the engines' departure from the float64 reference at Keras's defaults is Keras's own.
 */
export function ftrlFloat32Reference(p: ParameterValues): Vec[] {
  const f = Math.fround;
  const lr = f(p.learningRate as number), power = f(-(p.learningRatePower as number)), l1 = f(p.l1 as number), twoShrinkage = f(2 * (p.l2Shrinkage as number));
  const twoL2 = f(2 * f(f(p.l2 as number) + f(f(p.beta as number) / f(2 * lr))));
  const pow = (x: number) => (power === 0.5 ? f(Math.sqrt(x)) : f(x ** power));
  const w = W0.map(f), n = W0.map(() => f(p.initialAccumulator as number)), z = W0.map(() => 0), out: Vec[] = [];
  for (const g of GRADIENTS.map((row) => row.map(f))) {
    for (let i = 0; i < w.length; i++) {
      const gradient = f(g[i] + f(w[i] * twoShrinkage));
      const next = f(n[i] + f(g[i] * g[i]));
      z[i] = f(z[i] + f(gradient - f(f(f(pow(next) - pow(n[i])) / lr) * w[i])));
      n[i] = next;
      w[i] = f(f(Math.max(Math.min(z[i], l1), -l1) - z[i]) / f(f(pow(next) / lr) + twoL2));
    }
    out.push([...w]);
  }
  return out;
}

// Large learning rates so the updates are far above float32 rounding of the weights.
/** [optimizer, name, hyperparameters, tolerance against the float64 reference when not 1e-6 (the case says why)]. */
export const CASES: [OptimizerId, string, ParameterValues, number?][] = [
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
  ['adamw', 'Keras defaults', optimizerDefaults('adamw')],
  ['adamw', 'lr 0.1, weight decay 0.5', { ...optimizerDefaults('adamw'), learningRate: 0.1, weightDecay: 0.5 }],
  ['adamw', 'lr 0.1, weight decay 0.5, epsilon 0.1, AMSGrad', { ...optimizerDefaults('adamw'), learningRate: 0.1, weightDecay: 0.5, epsilon: 0.1, amsgrad: true }],
  ['adamax', 'Keras defaults', optimizerDefaults('adamax')],
  ['adamax', 'lr 0.1, beta1 0.85, beta2 0.95, epsilon 1e-6 (Keras\'s test settings)', { ...optimizerDefaults('adamax'), learningRate: 0.1, beta1: 0.85, beta2: 0.95, epsilon: 1e-6 }],
  ['lion', 'Keras defaults', optimizerDefaults('lion')],
  ['lion', 'lr 0.1, beta1 0.5, beta2 0.67', { ...optimizerDefaults('lion'), learningRate: 0.1, beta1: 0.5, beta2: 0.67 }],
  ['lamb', 'Keras defaults', optimizerDefaults('lamb')],
  ['lamb', 'lr 0.1, beta1 0.5, beta2 0.67, epsilon 1e-5 (Keras\'s test_config settings)', { ...optimizerDefaults('lamb'), learningRate: 0.1, beta1: 0.5, beta2: 0.67, epsilon: 1e-5 }],
  // Ftrl recomputes each weight from z, and its first step keeps only w·(1 − √(n₀/n₁)) of the initial
  // weight: float32 rounding of w₀ (Keras's too) is amplified by |w₀/w₁|, up to ~560 here (W0[4] at
  // g = −0.02 keeps 0.2 %), so at Keras's defaults float32 is 2.6e-5 from float64. These settings keep
  // more of each weight and are within 1e-6; the defaults are checked against Keras's float32
  // operations (ftrlFloat32Reference) and, here, within the amplified rounding.
  ['ftrl', 'Keras defaults (float32 rounding amplified ~500x by the first step)', optimizerDefaults('ftrl'), 5e-5],
  ['ftrl', 'lr 0.5, accumulator 0.001, l1 0.05, l2 0.15, shrinkage 0.01, beta 0.3', { ...optimizerDefaults('ftrl'), learningRate: 0.5, initialAccumulator: 0.001, l1: 0.05, l2: 0.15, l2Shrinkage: 0.01, beta: 0.3 }],
  ['ftrl', 'lr 0.5, power -0.2, accumulator 0.01', { ...optimizerDefaults('ftrl'), learningRate: 0.5, learningRatePower: -0.2, initialAccumulator: 0.01 }],
  ['ftrl', 'lr 0.5, power 0 (a fixed rate), shrinkage 0.1', { ...optimizerDefaults('ftrl'), learningRate: 0.5, learningRatePower: 0, l2Shrinkage: 0.1 }],
  ['muon', 'Keras defaults (the AdamW step of a vector)', optimizerDefaults('muon')],
  ['muon', 'lr 0.1, Adam ratio 0.5, Adam weight decay 0.3, betas 0.8 and 0.99, no Nesterov', { ...optimizerDefaults('muon'), learningRate: 0.1, adamLrRatio: 0.5, adamWeightDecay: 0.3, adamBeta1: 0.8, adamBeta2: 0.99, nesterov: false }],
];
