import { add, defineOptimizer, div, mul, sqrt, square, sub } from '../algebra';
import { epsilon, initialAccumulator, learningRate } from './common';

/** keras/src/optimizers/adagrad.py. tf.train.adagrad cannot set epsilon. */
export const adagrad = defineOptimizer({
  id: 'adagrad',
  label: 'Adagrad',
  rule: 'a starts at the initial accumulator;  a += g²;  w −= lr·g/√(a + ε)',
  tex: 'a \\leftarrow a + g^2\\ (a \\text{ starts at } a_0);\\quad w \\leftarrow w - \\mathrm{lr}\\,\\frac{g}{\\sqrt{a + \\varepsilon}}',
  about: {
    summary:
      'Adagrad divides each weight’s step by the square root of the sum of all its squared gradients so far, so weights with large or frequent gradients take smaller steps and rarely updated ones keep larger steps. It suits sparse features and convex problems. The sum only grows, so every step shrinks as training goes on; with Keras’s learning rate of 0.001 (and the sum starting at 0.1) that is why it learns slowly here.',
    sources: [
      { authors: 'Duchi, Hazan & Singer', year: 2011, title: 'Adaptive Subgradient Methods for Online Learning and Stochastic Optimization', published: 'Journal of Machine Learning Research 12' },
    ],
  },
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
