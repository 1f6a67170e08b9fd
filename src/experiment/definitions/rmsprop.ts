import { add, defineOptimizer, div, mul, sqrt, square, sub } from '../algebra';
import { decayRate, epsilon, flag, learningRate } from './common';

/** keras/src/optimizers/rmsprop.py */
export const rmsprop = defineOptimizer({
  id: 'rmsprop',
  label: 'RMSprop',
  rule: 's = ρ·s + (1 − ρ)g²;  w −= lr·g/√(s + ε)  (with momentum and centring when set)',
  tex: 's \\leftarrow \\rho s + (1 - \\rho)\\,g^2;\\quad w \\leftarrow w - \\mathrm{lr}\\,\\frac{g}{\\sqrt{s + \\varepsilon}};\\quad \\mu > 0\\text{: } m \\leftarrow \\mu m + \\mathrm{lr}\\,\\frac{g}{\\sqrt{s + \\varepsilon}};\\quad \\text{and } w \\leftarrow w - m \\text{ instead};\\quad \\text{centred: } s - \\bar g^2 \\text{ under the root}',
  about: {
    summary:
      'RMSprop divides each weight’s gradient by the square root of a running mean of its recent squared gradients (Rho), so steps keep a similar size whether gradients are large or small, without Adagrad’s ever-shrinking steps. Momentum adds plain (not Nesterov) momentum, and Centered divides by an estimate of the gradients’ variance instead of their mean square. It was never published as a paper: it comes from a slide of Hinton’s 2012 Coursera lecture, whose decay of 0.9 is Keras’s default Rho.',
    sources: [
      { authors: 'Hinton, Srivastava & Swersky', year: 2012, title: 'Neural Networks for Machine Learning, Lecture 6e: rmsprop: Divide the gradient by a running average of its recent magnitude', published: 'Coursera lecture slides', note: 'Slides of a lecture, not a paper.' },
    ],
  },
  parameters: {
    learningRate: learningRate(0.001),
    rho: decayRate('Rho', 0.9, 'Decay rate of the running mean of squared gradients.'),
    momentum: decayRate('Momentum', 0, 'Fraction of the previous step carried into this one.'),
    epsilon,
    centered: flag('Centered', 'Normalise by the estimated variance instead of the raw second moment.'),
  },
  slots: () => ({ velocity: 0, momentum: 0, averageGrad: 0 }),
  constants: (p) => ({ rho: p.rho, oneMinusRho: 1 - p.rho, epsilon: p.epsilon, learningRate: p.learningRate, momentum: p.momentum }),
  switches: (p) => ({ momentum: p.momentum > 0, centered: p.centered }),
  update: ({ w, g, slot, c }, on) => {
    const velocity = add(mul(slot.velocity, c.rho), mul(square(g), c.oneMinusRho));
    const averageGrad = on.centered ? add(mul(slot.averageGrad, c.rho), mul(g, c.oneMinusRho)) : undefined;
    const denominator = averageGrad ? add(sub(velocity, square(averageGrad)), c.epsilon) : add(velocity, c.epsilon);
    const increment = div(mul(g, c.learningRate), sqrt(denominator));
    const momentum = on.momentum ? add(mul(slot.momentum, c.momentum), increment) : undefined;
    return { weight: sub(w, momentum ?? increment), slots: { velocity, momentum, averageGrad } };
  },
});
