import { add, defineOptimizer, div, f32, mul, sqrt, square, sub } from '../algebra';
import { decayRate, epsilon, learningRate } from './common';

/** Keras's momentum schedule: u_t = beta_1 (1 - 0.5 * 0.96^t), in float32. */
const momentumAt = (beta1: number, t: number) => f32(f32(beta1) * f32(1 - f32(0.5 * f32(f32(0.96) ** t))));

/**
 * keras/src/optimizers/nadam.py: Adam with Nesterov momentum (Dozat, 2015). Keras
 * keeps u_product = u_1 ... u_t in a float32 variable, updated once per step
 * before the weights (as u_product * beta_1 * (1 - 0.5 * 0.96^t)); the scalars
 * are float32 operations on beta_1 and beta_2 cast to float32, and so is 1 - beta_1.
 */
export const nadam = defineOptimizer({
  id: 'nadam',
  label: 'Nadam',
  rule: 'uₜ = β1(1 − ½·0.96ᵗ);  m += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  m̂ = uₜ₊₁·m/(1 − u₁…uₜ₊₁) + (1 − uₜ)·g/(1 − u₁…uₜ);  w −= lr·m̂/(√(v/(1 − β2ᵗ)) + ε)',
  tex: 'u_t = \\beta_1\\bigl(1 - \\tfrac{1}{2}\\,0.96^{\\,t}\\bigr);\\quad m \\leftarrow m + (g - m)(1 - \\beta_1);\\quad v \\leftarrow v + (g^2 - v)(1 - \\beta_2);\\quad \\hat m = \\frac{u_{t+1}\\,m}{1 - \\prod_{i \\le t+1} u_i} + \\frac{(1 - u_t)\\,g}{1 - \\prod_{i \\le t} u_i};\\quad w \\leftarrow w - \\mathrm{lr}\\,\\frac{\\hat m}{\\sqrt{v / (1 - \\beta_2^{\\,t})} + \\varepsilon}',
  about: {
    summary:
      'Nadam is Adam with Nesterov momentum: each step uses the momentum as it will be after this update, a look-ahead that often speeds up the first epochs. Keras also warms the momentum up, from half of Beta 1 to Beta 1 over the first hundred or so steps (Beta 1 times 1 − ½·0.96 to the power t). Otherwise it keeps Adam’s running means and defaults.',
    sources: [
      { authors: 'Dozat', year: 2016, title: 'Incorporating Nesterov Momentum into Adam', published: 'ICLR 2016 workshop track', note: 'Keras cites the 2015 Stanford CS229 report of the same name.' },
    ],
  },
  parameters: {
    learningRate: learningRate(0.001),
    beta1: decayRate('Beta 1', 0.9, 'Decay rate of the running mean of gradients.'),
    beta2: decayRate('Beta 2', 0.999, 'Decay rate of the running mean of squared gradients.'),
    epsilon,
  },
  slots: () => ({ m: 0, v: 0 }),
  constants: (p) => ({
    oneMinusBeta1: f32(1 - f32(p.beta1)),
    oneMinusBeta2: f32(1 - f32(p.beta2)),
    learningRate: p.learningRate,
    epsilon: p.epsilon,
  }),
  state: {
    initial: () => ({ uProduct: 1 }),
    next: (p, t, { uProduct }) => ({ uProduct: f32(f32(uProduct * f32(p.beta1)) * f32(1 - f32(0.5 * f32(f32(0.96) ** t)))) }),
  },
  scalars: (p, t, { uProduct }) => {
    const uNext = momentumAt(p.beta1, t + 1);
    return {
      uNext,
      oneMinusUProductNext: f32(1 - f32(uProduct * uNext)),
      oneMinusU: f32(1 - momentumAt(p.beta1, t)),
      oneMinusUProduct: f32(1 - uProduct),
      oneMinusBeta2Power: f32(1 - f32(f32(p.beta2) ** t)),
    };
  },
  update: ({ w, g, slot, c, s }) => {
    const m = add(slot.m, mul(sub(g, slot.m), c.oneMinusBeta1));
    const v = add(slot.v, mul(sub(square(g), slot.v), c.oneMinusBeta2));
    const mHat = add(div(mul(m, s.uNext), s.oneMinusUProductNext), div(mul(g, s.oneMinusU), s.oneMinusUProduct));
    const vHat = div(v, s.oneMinusBeta2Power);
    return { weight: sub(w, div(mul(mHat, c.learningRate), add(sqrt(vHat), c.epsilon))), slots: { m, v } };
  },
});
