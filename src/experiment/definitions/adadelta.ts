import { add, defineOptimizer, div, mul, neg, sqrt, square } from '../algebra';
import { decayRate, epsilon, learningRate } from './common';

/**
 * keras/src/optimizers/adadelta.py. The delta divides by the *updated* running
 * average of squared gradients; tf.train.adadelta uses the previous one, which
 * makes its first step plain SGD.
 */
export const adadelta = defineOptimizer({
  id: 'adadelta',
  label: 'Adadelta',
  rule: 'Eg = ρ·Eg + (1 − ρ)g²;  d = −√(Ed + ε)/√(Eg + ε)·g;  Ed = ρ·Ed + (1 − ρ)d²;  w += lr·d',
  tex: 'E_g \\leftarrow \\rho E_g + (1 - \\rho)\\,g^2;\\quad d = -\\frac{\\sqrt{E_d + \\varepsilon}}{\\sqrt{E_g + \\varepsilon}}\\,g;\\quad E_d \\leftarrow \\rho E_d + (1 - \\rho)\\,d^2;\\quad w \\leftarrow w + \\mathrm{lr}\\,d',
  about: {
    summary:
      'Adadelta replaces Adagrad’s ever-growing sum with a running mean of squared gradients (Rho), and scales each step by the root mean square of recent steps over that of recent gradients, so the method as published needs no learning rate (in effect 1.0). Keras multiplies the step by a learning rate anyway, and its default of 0.001 makes every step a thousandth of the published one. That is why Adadelta at Keras defaults barely moves in a few epochs here; Keras’s own documentation says to use 1.0 to match the paper.',
    sources: [
      { authors: 'Zeiler', year: 2012, title: 'ADADELTA: An Adaptive Learning Rate Method', published: 'arXiv:1212.5701' },
    ],
  },
  parameters: {
    learningRate: learningRate(0.001),
    rho: decayRate('Rho', 0.95, 'Decay rate of the running averages.'),
    epsilon,
  },
  slots: () => ({ accumulatedGrad: 0, accumulatedDelta: 0 }),
  constants: (p) => ({ rho: p.rho, oneMinusRho: 1 - p.rho, epsilon: p.epsilon, learningRate: p.learningRate }),
  update: ({ w, g, slot, c }) => {
    const rms = (x: typeof w) => sqrt(add(x, c.epsilon));
    const accumulatedGrad = add(mul(slot.accumulatedGrad, c.rho), mul(square(g), c.oneMinusRho));
    const delta = neg(div(mul(rms(slot.accumulatedDelta), g), rms(accumulatedGrad)));
    const accumulatedDelta = add(mul(slot.accumulatedDelta, c.rho), mul(square(delta), c.oneMinusRho));
    return { weight: add(w, mul(delta, c.learningRate)), slots: { accumulatedGrad, accumulatedDelta } };
  },
});
