import { add, defineOptimizer, div, f32, ifPositive, mul, sqrt, square, sub, sum } from '../algebra';
import { adamParameters } from './adam';
import { learningRate } from './common';

const { beta1, beta2, epsilon } = adamParameters;

/**
 * keras/src/optimizers/lamb.py: Adam's moments (the same assign_add forms), the
 * bias-corrected step r = m̂/(√v̂ + ε), then a trust ratio per variable, ‖w‖/‖r‖
 * over the whole tensor (1 where either norm is 0 or NaN, as Keras's nested where
 * gives). Keras casts beta_1 and beta_2 to float32 before the powers and computes
 * 1 - power in float32; 1 - beta is Python's double, cast once. The weight decay
 * knob acts before the step, outside the ratio (the paper puts λw inside it).
 */
export const lamb = defineOptimizer({
  id: 'lamb',
  label: 'Lamb',
  rule: 'm += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  r = (m/(1 − β1ᵗ)) / (√(v/(1 − β2ᵗ)) + ε);  w −= (‖w‖/‖r‖)·lr·r  (ratio 1 where a norm is 0; norms over the whole tensor)',
  // Narrow enough for a phone; the rule's text says where the ratio is 1 and what the norms cover.
  tex: 'm \\leftarrow m + (g - m)(1 - \\beta_1);\\quad v \\leftarrow v + (g^2 - v)(1 - \\beta_2);\\quad r = \\frac{m/(1 - \\beta_1^{\\,t})}{\\sqrt{v/(1 - \\beta_2^{\\,t})} + \\varepsilon};\\quad w \\leftarrow w - \\frac{\\lVert w \\rVert}{\\lVert r \\rVert}\\,\\mathrm{lr}\\,r',
  about: {
    summary:
      'Lamb takes Adam’s bias-corrected step r for a whole weight tensor and rescales it by the trust ratio ‖w‖/‖r‖, so that every layer moves by the learning rate times its own norm, whatever the scale of its gradients. It was made for very large batches, where one learning rate for every layer stalls some layers and throws others off; the paper trained BERT in 76 minutes with batches of tens of thousands. At Keras’s learning rate of 0.001 a layer changes by only 0.1 % of its norm per step, so here it learns more slowly than Adam at first (about 91 % against 94 % test accuracy after one epoch), and the biases, which start at zero, take one plain Adam step (a ratio of 1) and then grow only in proportion to their small size. Keras applies weight decay before the step and outside the ratio, where the paper puts it inside.',
    sources: [
      {
        authors: 'You et al.',
        year: 2020,
        title: 'Large Batch Optimization for Deep Learning: Training BERT in 76 minutes',
        published: 'ICLR 2020 (arXiv:1904.00962)',
        note: 'Keras’s docstring cites it as “Yang et al.”, the first author’s given name.',
      },
    ],
  },
  parameters: { learningRate: learningRate(0.001), beta1, beta2, epsilon },
  slots: () => ({ m: 0, v: 0 }),
  // As Adam's: 1 - self.beta_1 with the Python floats, double, cast once. The ratio's
  // 1.0 is a float32 constant in Keras's where.
  constants: (p) => ({ oneMinusBeta1: 1 - p.beta1, oneMinusBeta2: 1 - p.beta2, epsilon: p.epsilon, learningRate: p.learningRate, one: 1 }),
  scalars: (p, t) => ({
    oneMinusBeta1Power: f32(1 - f32(f32(p.beta1) ** t)),
    oneMinusBeta2Power: f32(1 - f32(f32(p.beta2) ** t)),
  }),
  update: ({ w, g, slot, c, s }) => {
    const m = add(slot.m, mul(sub(g, slot.m), c.oneMinusBeta1));
    const v = add(slot.v, mul(sub(square(g), slot.v), c.oneMinusBeta2));
    const r = div(div(m, s.oneMinusBeta1Power), add(sqrt(div(v, s.oneMinusBeta2Power)), c.epsilon));
    const wNorm = sqrt(sum(square(w)));
    const rNorm = sqrt(sum(square(r)));
    const ratio = ifPositive(wNorm, ifPositive(rNorm, div(wNorm, rNorm), c.one), c.one);
    return { weight: sub(w, mul(mul(ratio, c.learningRate), r)), slots: { m, v } };
  },
});
