import { add, defineOptimizer, div, f32, max, mul, sqrt, square, sub, type Expr } from '../algebra';
import { decayRate, epsilon, flag, learningRate } from './common';

/** Adam's hyperparameters, AdamW's too (after its weight decay). */
export const adamParameters = {
  beta1: decayRate('Beta 1', 0.9, 'Decay rate of the running mean of gradients.'),
  beta2: decayRate('Beta 2', 0.999, 'Decay rate of the running mean of squared gradients.'),
  epsilon,
  amsgrad: flag('AMSGrad', 'Divide by the largest second moment seen so far.'),
};

/** Keras casts lr, beta_1 and beta_2 to float32 first: power, sqrt and the rest are float32 operations. */
export function adamStepSize(p: { learningRate: number; beta1: number; beta2: number }, t: number): number {
  const lr = f32(p.learningRate);
  const beta1Power = f32(f32(p.beta1) ** t);
  const beta2Power = f32(f32(p.beta2) ** t);
  return f32(f32(lr * f32(Math.sqrt(f32(1 - beta2Power)))) / f32(1 - beta1Power));
}

/** adam.py's update_step on weight w (AdamW gives it the decayed weight). */
export function adamStep(
  w: Expr,
  g: Expr,
  slot: { m: Expr; v: Expr; vHat: Expr },
  c: { oneMinusBeta1: Expr; oneMinusBeta2: Expr; epsilon: Expr },
  alpha: Expr,
  amsgrad: boolean,
) {
  const m = add(slot.m, mul(sub(g, slot.m), c.oneMinusBeta1));
  const v = add(slot.v, mul(sub(square(g), slot.v), c.oneMinusBeta2));
  const vHat = amsgrad ? max(slot.vHat, v) : undefined;
  const weight = sub(w, div(mul(m, alpha), add(sqrt(vHat ?? v), c.epsilon)));
  return { weight, slots: { m, v, vHat } };
}

/**
 * keras/src/optimizers/adam.py. Unlike tf.train.adam, epsilon is added to the raw
 * sqrt(v) and the bias correction is folded into the step size.
 */
export const adam = defineOptimizer({
  id: 'adam',
  label: 'Adam',
  rule: 'm += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  w −= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε)',
  tex: 'm \\leftarrow m + (g - m)(1 - \\beta_1);\\quad v \\leftarrow v + (g^2 - v)(1 - \\beta_2);\\quad w \\leftarrow w - \\mathrm{lr}\\,\\frac{\\sqrt{1 - \\beta_2^{\\,t}}}{1 - \\beta_1^{\\,t}}\\,\\frac{m}{\\sqrt{v} + \\varepsilon}',
  about: {
    summary:
      'Adam keeps two running means for every weight, m of its gradients (the momentum, Beta 1) and v of their squares (Beta 2), and steps by m divided by the square root of v, so each weight gets its own step size of about the learning rate whatever the scale of its gradients. Both means start at zero, and the first steps correct for that bias. It does well with its defaults on most problems, which makes it the usual first choice. Keras’s Epsilon (1e-7) is the ε̂ of the paper’s faster form of the step, not the 1e-8 of its Algorithm 1; AMSGrad divides by the largest v seen so far instead of the current one.',
    sources: [
      { authors: 'Kingma & Ba', year: 2015, title: 'Adam: A Method for Stochastic Optimization', published: 'ICLR 2015 (arXiv:1412.6980)' },
      { authors: 'Reddi, Kale & Kumar', year: 2018, title: 'On the Convergence of Adam and Beyond', published: 'ICLR 2018', note: 'The source of AMSGrad.' },
    ],
  },
  parameters: { learningRate: learningRate(0.001), ...adamParameters },
  slots: () => ({ m: 0, v: 0, vHat: 0 }),
  // Keras writes 1 - self.beta_1 with the Python floats: double, cast once.
  constants: (p) => ({ oneMinusBeta1: 1 - p.beta1, oneMinusBeta2: 1 - p.beta2, epsilon: p.epsilon }),
  scalars: (p, t) => ({ alpha: adamStepSize(p, t) }),
  switches: (p) => ({ amsgrad: p.amsgrad }),
  update: ({ w, g, slot, c, s }, on) => adamStep(w, g, slot, c, s.alpha, on.amsgrad),
});
