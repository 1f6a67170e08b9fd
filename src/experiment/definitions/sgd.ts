import { add, defineOptimizer, mul, sub } from '../algebra';
import { decayRate, flag, learningRate } from './common';

/** keras/src/optimizers/sgd.py */
export const sgd = defineOptimizer({
  id: 'sgd',
  label: 'SGD',
  rule: 'v = momentum·v − lr·g;  w = w + v  (Nesterov: w = w + momentum·v − lr·g)',
  tex: 'v \\leftarrow \\mu v - \\mathrm{lr}\\,g;\\quad w \\leftarrow w + v;\\quad \\text{Nesterov: } w \\leftarrow w + \\mu v - \\mathrm{lr}\\,g',
  about: {
    summary:
      'Each step moves every weight against its gradient, scaled by the learning rate. With Momentum, a fraction of the previous step is carried into the next, so steps that agree build up speed and steps that zigzag across a valley cancel out. Nesterov momentum takes the gradient step after first moving along the momentum, a look-ahead that damps overshooting. Keras’s defaults are a learning rate of 0.01 and no momentum, which is plain stochastic gradient descent: slow but steady.',
    sources: [
      { authors: 'Robbins & Monro', year: 1951, title: 'A Stochastic Approximation Method', published: 'The Annals of Mathematical Statistics 22(3)' },
      { authors: 'Polyak', year: 1964, title: 'Some methods of speeding up the convergence of iteration methods', published: 'USSR Computational Mathematics and Mathematical Physics 4(5)', note: 'The source of Momentum.' },
      { authors: 'Sutskever, Martens, Dahl & Hinton', year: 2013, title: 'On the importance of initialization and momentum in deep learning', published: 'ICML 2013', note: 'The source of Nesterov momentum as used in deep learning.' },
    ],
  },
  parameters: {
    learningRate: learningRate(0.01),
    momentum: decayRate('Momentum', 0, 'Fraction of the previous step carried into this one.'),
    nesterov: flag('Nesterov momentum', 'Look ahead along the momentum before taking the gradient step.'),
  },
  slots: () => ({ momentum: 0 }),
  constants: (p) => ({ learningRate: p.learningRate, negativeLearningRate: -p.learningRate, momentum: p.momentum }),
  switches: (p) => ({ momentum: p.momentum !== 0, nesterov: p.nesterov }),
  update: ({ w, g, slot, c }, on) => {
    if (!on.momentum) return { weight: sub(w, mul(g, c.learningRate)) };
    const step = mul(g, c.negativeLearningRate);
    const momentum = add(step, mul(slot.momentum, c.momentum));
    return { weight: on.nesterov ? add(w, add(step, mul(momentum, c.momentum))) : add(w, momentum), slots: { momentum } };
  },
});
