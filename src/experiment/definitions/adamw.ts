import { defineOptimizer } from '../algebra';
import { adamParameters, adamStep, adamStepSize } from './adam';
import { learningRate } from './common';

/**
 * keras/src/optimizers/adamw.py: Adam with decoupled weight decay (Loshchilov and
 * Hutter), which in Keras 3 is just Adam with the base optimizer's weight_decay
 * defaulting to 0.004. The shared `Weight decay` knob (knobs.ts) applies it as the
 * base optimizer does: every trainable variable, biases included, becomes
 * variable - variable * wd * lr in float32 before Adam's step (the TensorFlow and
 * JAX backends; the torch backend multiplies by 1 - wd * lr instead). PyTorch's
 * AdamW decays by lr·wd too, but defaults wd to 0.01 and adds epsilon after the
 * bias correction.
 */
export const adamw = defineOptimizer({
  id: 'adamw',
  label: 'AdamW',
  rule: 'm += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  w −= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε)',
  tex: 'm \\leftarrow m + (g - m)(1 - \\beta_1);\\quad v \\leftarrow v + (g^2 - v)(1 - \\beta_2);\\quad w \\leftarrow w - \\mathrm{lr}\\,\\frac{\\sqrt{1 - \\beta_2^{\\,t}}}{1 - \\beta_1^{\\,t}}\\,\\frac{m}{\\sqrt{v} + \\varepsilon}',
  parameters: { learningRate: learningRate(0.001), ...adamParameters },
  knobDefaults: { weightDecay: 0.004 },
  slots: () => ({ m: 0, v: 0, vHat: 0 }),
  constants: (p) => ({ oneMinusBeta1: 1 - p.beta1, oneMinusBeta2: 1 - p.beta2, epsilon: p.epsilon }),
  scalars: (p, t) => ({ alpha: adamStepSize(p, t) }),
  switches: (p) => ({ amsgrad: p.amsgrad }),
  update: ({ w, g, slot, c, s }, on) => adamStep(w, g, slot, c, s.alpha, on.amsgrad),
});
