import { add, defineOptimizer, div, f32, max, min, mul, pow, sqrt, square, sub, type Expr } from '../algebra';
import { initialAccumulator, learningRate } from './common';

const strength = (label: string, urlKey: string, help: string) => ({ kind: 'number', label, urlKey, defaultValue: 0, min: 0, max: 100, help }) as const;

/**
 * keras/src/optimizers/ftrl.py: FTRL-Proximal (McMahan et al., 2013) with
 * Keras's L2 shrinkage. The weight is not stepped but recomputed
 * from the linear accumulator z each step, so the first step replaces the initial
 * weights (with a small gradient, by almost 0). Keras's l2 gains beta/(2 lr), in
 * float32 as Keras computes it from lr cast to float32. Where the learning-rate
 * power is Keras's -0.5, n^0.5 is computed as sqrt(n) (the correctly rounded value
 * of the same power), as the kernel has no SIMD pow.
 */
export const ftrl = defineOptimizer({
  id: 'ftrl',
  label: 'Ftrl',
  rule: 'g′ = g + 2·l2shrink·w;  n′ = n + g²;  z += g′ − (n′^−p − n^−p)/lr · w;  n = n′;  w = (clip(z, −l1, l1) − z) / (n^−p/lr + 2(l2 + β/(2 lr)))',
  tex: 'g\' = g + 2\\lambda_{2,\\mathrm{s}}\\,w;\\quad n\' = n + g^2\\ (n \\text{ starts at } a_0);\\quad z \\leftarrow z + g\' - \\frac{n\'^{-p} - n^{-p}}{\\mathrm{lr}}\\,w;\\quad n \\leftarrow n\';\\quad w = \\frac{\\operatorname{clip}(z, -\\lambda_1, \\lambda_1) - z}{n^{-p}/\\mathrm{lr} + 2\\bigl(\\lambda_2 + \\beta/(2\\,\\mathrm{lr})\\bigr)}',
  about: {
    summary:
      'FTRL-Proximal (Follow The Regularized Leader) was designed at Google for click-through prediction: huge, sparse models trained online. It does not step the weights but recomputes each one from its accumulated gradient z, and L1 regularization holds a weight at exactly zero while z stays within ±L1, which makes sparse models. Its per-weight step sizes shrink like Adagrad’s (Learning rate power −0.5), so on a dense network like this one it learns slowly.',
    sources: [
      { authors: 'McMahan et al.', year: 2013, title: 'Ad Click Prediction: a View from the Trenches', published: 'KDD 2013' },
    ],
  },
  parameters: {
    learningRate: learningRate(0.001),
    learningRatePower: {
      kind: 'number',
      label: 'Learning rate power',
      urlKey: 'power',
      defaultValue: -0.5,
      min: -10,
      max: 0,
      help: 'How the step shrinks as squared gradients add up (0: a fixed learning rate).',
    },
    // Keras allows 0, but then a weight whose gradient is always 0 (a blank pixel) becomes 0/0 without l2 or beta.
    initialAccumulator: { ...initialAccumulator, minExclusive: true },
    l1: strength('L1 regularization', 'l1', 'Weights whose accumulated gradient z stays within ±l1 are set to exactly 0.'),
    l2: strength('L2 regularization', 'l2', 'Stabilising L2 penalty on the weights, in FTRL’s closed form.'),
    l2Shrinkage: strength('L2 shrinkage', 'shrink', 'L2 penalty added to the gradient (2·strength·w), a magnitude penalty.'),
    beta: strength('Beta', 'beta', 'The paper’s β: adds β/(2·lr) to the L2 strength.'),
  },
  slots: (p) => ({ accumulator: p.initialAccumulator, linear: 0 }),
  constants: (p) => {
    const lr = f32(p.learningRate);
    return {
      learningRate: p.learningRate,
      negativePower: -p.learningRatePower,
      l1: p.l1,
      negativeL1: -p.l1,
      // 2 * l2_shrinkage with the Python float (double), cast once.
      twoShrinkage: 2 * p.l2Shrinkage,
      // l2 + beta / (2.0 * lr) with lr a float32 tensor: float32 operations; then 2 * l2_reg (exact).
      twoL2: f32(2 * f32(f32(p.l2) + f32(f32(p.beta) / f32(2 * lr)))),
    };
  },
  switches: (p) => ({ power: p.learningRatePower !== -0.5 }),
  update: ({ w, g, slot, c }, on) => {
    const power = (n: Expr) => (on.power ? pow(n, c.negativePower) : sqrt(n));
    const gradient = add(g, mul(w, c.twoShrinkage));
    const accumulator = add(slot.accumulator, square(g));
    const sigma = div(sub(power(accumulator), power(slot.accumulator)), c.learningRate);
    const linear = add(slot.linear, sub(gradient, mul(sigma, w)));
    const quadratic = add(div(power(accumulator), c.learningRate), c.twoL2);
    // ops.clip is TensorFlow's clip_by_value: the minimum with l1, then the maximum with -l1.
    const clipped = max(min(linear, c.l1), c.negativeL1);
    return { weight: div(sub(clipped, linear), quadratic), slots: { accumulator, linear } };
  },
});
