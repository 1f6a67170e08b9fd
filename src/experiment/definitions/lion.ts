import { add, defineOptimizer, f32, mul, sign, sub } from '../algebra';
import { decayRate, learningRate } from './common';

/**
 * keras/src/optimizers/lion.py (Chen et al., 2023): the step is the sign of an
 * interpolation of momentum and gradient, so every weight moves by exactly lr (or
 * not at all where that is 0). Keras casts beta_1 and beta_2 to float32 first and
 * computes 1 - beta in float32. The momentum is updated after the weight, from the
 * previous momentum, with beta_2. TensorFlow's sign gives NaN for NaN; this one 0
 * (tfjs's); a NaN gradient makes the loss NaN in the same step anyway.
 */
export const lion = defineOptimizer({
  id: 'lion',
  label: 'Lion',
  rule: 'w −= lr·sign(β1·m + (1 − β1)g);  m = β2·m + (1 − β2)g',
  tex: 'w \\leftarrow w - \\mathrm{lr}\\,\\operatorname{sign}\\bigl(\\beta_1 m + (1 - \\beta_1)\\,g\\bigr);\\quad m \\leftarrow \\beta_2 m + (1 - \\beta_2)\\,g',
  about: {
    summary:
      'Lion keeps only a momentum and moves every weight by exactly the learning rate, in the direction of the sign of a mix of momentum and gradient (Beta 1); the momentum itself is then updated more slowly (Beta 2). It was found by a program search over update rules, and it needs half of Adam’s memory. Since every step has the full size, it wants a learning rate 3 to 10 times smaller than AdamW’s, as Keras’s documentation says, yet Keras’s default is 0.001, the same as Adam’s.',
    sources: [
      { authors: 'Chen et al.', year: 2023, title: 'Symbolic Discovery of Optimization Algorithms', published: 'NeurIPS 2023 (arXiv:2302.06675)' },
    ],
  },
  parameters: {
    learningRate: learningRate(0.001),
    // Keras refuses beta_1 <= 0 (Lion would be signSGD) and beta_1 > 1, but allows 1.
    beta1: { kind: 'number', label: 'Beta 1', defaultValue: 0.9, min: 0, minExclusive: true, max: 1, help: 'Weight of the momentum against the gradient in the step’s sign.' },
    beta2: decayRate('Beta 2', 0.99, 'Decay rate of the momentum.'),
  },
  slots: () => ({ m: 0 }),
  constants: (p) => ({
    learningRate: p.learningRate,
    beta1: p.beta1,
    oneMinusBeta1: f32(1 - f32(p.beta1)),
    beta2: p.beta2,
    oneMinusBeta2: f32(1 - f32(p.beta2)),
  }),
  update: ({ w, g, slot, c }) => {
    const direction = sign(add(mul(slot.m, c.beta1), mul(g, c.oneMinusBeta1)));
    const m = add(mul(slot.m, c.beta2), mul(g, c.oneMinusBeta2));
    return { weight: sub(w, mul(direction, c.learningRate)), slots: { m } };
  },
});
