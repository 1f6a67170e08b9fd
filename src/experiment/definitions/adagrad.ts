import { add, defineOptimizer, div, mul, sqrt, square, sub } from '../algebra';
import { epsilon, initialAccumulator, learningRate } from './common';

/** keras/src/optimizers/adagrad.py. tf.train.adagrad cannot set epsilon. */
export const adagrad = defineOptimizer({
  id: 'adagrad',
  label: 'Adagrad',
  rule: 'a starts at the initial accumulator;  a += g²;  w −= lr·g/√(a + ε)',
  tex: 'a \\leftarrow a + g^2\\ (a \\text{ starts at } a_0);\\quad w \\leftarrow w - \\mathrm{lr}\\,\\frac{g}{\\sqrt{a + \\varepsilon}}',
  parameters: {
    learningRate: learningRate(0.001),
    initialAccumulator,
    epsilon,
  },
  slots: (p) => ({ accumulator: p.initialAccumulator }),
  constants: (p) => ({ learningRate: p.learningRate, epsilon: p.epsilon }),
  update: ({ w, g, slot, c }) => {
    const accumulator = add(slot.accumulator, square(g));
    return { weight: sub(w, div(mul(g, c.learningRate), sqrt(add(accumulator, c.epsilon)))), slots: { accumulator } };
  },
});
