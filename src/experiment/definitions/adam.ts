import { add, defineOptimizer, div, f32, max, mul, sqrt, square, sub } from '../algebra';
import { decayRate, epsilon, flag, learningRate } from './common';

/**
 * keras/src/optimizers/adam.py. Unlike tf.train.adam, epsilon is added to the raw
 * sqrt(v) and the bias correction is folded into the step size.
 */
export const adam = defineOptimizer({
  id: 'adam',
  label: 'Adam',
  rule: 'm += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  w −= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε)',
  parameters: {
    learningRate: learningRate(0.001),
    beta1: decayRate('Beta 1', 0.9, 'Decay rate of the running mean of gradients.'),
    beta2: decayRate('Beta 2', 0.999, 'Decay rate of the running mean of squared gradients.'),
    epsilon,
    amsgrad: flag('AMSGrad', 'Divide by the largest second moment seen so far.'),
  },
  slots: () => ({ m: 0, v: 0, vHat: 0 }),
  // Keras writes 1 - self.beta_1 with the Python floats: double, cast once.
  constants: (p) => ({ oneMinusBeta1: 1 - p.beta1, oneMinusBeta2: 1 - p.beta2, epsilon: p.epsilon }),
  // Keras casts lr, beta_1 and beta_2 to float32 first: power, sqrt and the rest are float32 operations.
  scalars: (p, t) => {
    const lr = f32(p.learningRate);
    const beta1Power = f32(f32(p.beta1) ** t);
    const beta2Power = f32(f32(p.beta2) ** t);
    return { alpha: f32(f32(lr * f32(Math.sqrt(f32(1 - beta2Power)))) / f32(1 - beta1Power)) };
  },
  switches: (p) => ({ amsgrad: p.amsgrad }),
  update: ({ w, g, slot, c, s }, on) => {
    const m = add(slot.m, mul(sub(g, slot.m), c.oneMinusBeta1));
    const v = add(slot.v, mul(sub(square(g), slot.v), c.oneMinusBeta2));
    const vHat = on.amsgrad ? max(slot.vHat, v) : undefined;
    const weight = sub(w, div(mul(m, s.alpha), add(sqrt(vHat ?? v), c.epsilon)));
    return { weight, slots: { m, v, vHat } };
  },
});
