import { abs, add, defineOptimizer, div, f32, max, mul, sub } from '../algebra';
import { decayRate, epsilon, learningRate } from './common';

/**
 * keras/src/optimizers/adamax.py: Adam with the infinity norm (Kingma and Ba, section
 * 7.1). As in the paper, u is not bias-corrected and epsilon is added to u; Keras
 * multiplies (1 - beta_1^t) into the denominator rather than dividing lr by it first.
 * beta_1^t is a float32 power of beta_1 cast to float32, as in adam.py; 1 - beta_1
 * is written with the Python float (double, cast once). PyTorch's Adamax adds
 * epsilon inside the max instead: u = max(beta_2·u, |g| + eps).
 */
export const adamax = defineOptimizer({
  id: 'adamax',
  label: 'Adamax',
  rule: 'm += (g − m)(1 − β1);  u = max(β2·u, |g|);  w −= lr·m / ((1 − β1ᵗ)(u + ε))',
  tex: 'm \\leftarrow m + (g - m)(1 - \\beta_1);\\quad u \\leftarrow \\max(\\beta_2 u, |g|);\\quad w \\leftarrow w - \\mathrm{lr}\\,\\frac{m}{(1 - \\beta_1^{\\,t})(u + \\varepsilon)}',
  about: {
    summary:
      'Adamax is Adam with the infinity norm: instead of a running mean of squared gradients it keeps a decaying maximum of the gradients’ magnitudes (Beta 2), which needs no bias correction and is less upset by rare large gradients. The paper proposes it in its section 7.1 with a learning rate of 0.002; Keras’s default is 0.001.',
    sources: [
      { authors: 'Kingma & Ba', year: 2015, title: 'Adam: A Method for Stochastic Optimization', published: 'ICLR 2015 (arXiv:1412.6980), section 7.1' },
    ],
  },
  parameters: {
    learningRate: learningRate(0.001),
    beta1: decayRate('Beta 1', 0.9, 'Decay rate of the running mean of gradients.'),
    beta2: decayRate('Beta 2', 0.999, 'Decay rate of the running maximum of gradient magnitudes.'),
    epsilon,
  },
  slots: () => ({ m: 0, u: 0 }),
  constants: (p) => ({ oneMinusBeta1: 1 - p.beta1, beta2: p.beta2, learningRate: p.learningRate, epsilon: p.epsilon }),
  scalars: (p, t) => ({ oneMinusBeta1Power: f32(1 - f32(f32(p.beta1) ** t)) }),
  update: ({ w, g, slot, c, s }) => {
    const m = add(slot.m, mul(sub(g, slot.m), c.oneMinusBeta1));
    const u = max(mul(slot.u, c.beta2), abs(g));
    return { weight: sub(w, div(mul(m, c.learningRate), mul(s.oneMinusBeta1Power, add(u, c.epsilon)))), slots: { m, u } };
  },
});
