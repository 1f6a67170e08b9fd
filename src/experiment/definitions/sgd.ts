import { add, defineOptimizer, mul, sub } from '../algebra';
import { decayRate, flag, learningRate } from './common';

/** keras/src/optimizers/sgd.py */
export const sgd = defineOptimizer({
  id: 'sgd',
  label: 'SGD',
  rule: 'v = momentum·v − lr·g;  w = w + v  (Nesterov: w = w + momentum·v − lr·g)',
  tex: 'v \\leftarrow \\mu v - \\mathrm{lr}\\,g;\\quad w \\leftarrow w + v;\\quad \\text{Nesterov: } w \\leftarrow w + \\mu v - \\mathrm{lr}\\,g',
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
