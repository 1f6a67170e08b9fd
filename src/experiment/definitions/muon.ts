import { add, defineOptimizer, f32, mul, type NumberSpec } from '../algebra';
import { adamStep, adamStepSize } from './adam';
import { decayRate, epsilon, flag, learningRate } from './common';

const number = (label: string, urlKey: string, defaultValue: number, min: number, max: number, help: string, integer = false): NumberSpec => ({
  kind: 'number',
  label,
  urlKey,
  defaultValue,
  min,
  max,
  help,
  ...(integer ? { integer } : {}),
});

/**
 * keras/src/optimizers/muon.py. Every 2-D variable (here every Dense kernel, the
 * output layer's included: Keras excludes only embeddings and the layers it is
 * told to) takes the Muon step: m += g + m·(momentum − 1); u = g + momentum·m
 * (Nesterov) or m; u orthogonalised by Newton–Schulz (zeropower_via_newtonschulz5);
 * w −= ((lr·O)·√max(rows, cols))·rms_rate. Every other variable (the biases) takes
 * Keras's AdamW step at lr·adam_lr_ratio. Muon's _apply_weight_decay decays the
 * matrices by weight_decay (the shared knob, default 0.004 here as in Keras) and
 * the others by adam_weight_decay, both w − w·wd·lr before the step.
 * rms_rate None (no scaling) is 0 here.
 */
export const muon = defineOptimizer({
  id: 'muon',
  label: 'Muon',
  rule: '2-D W: m += g + (μ − 1)m;  u = g + μm (Nesterov) or m;  X = u/(‖u‖ + 1e-7), then n times X = aX + (bA + cA²)X with A = XXᵀ;  W −= lr·X·√max(rows, cols)·rms;  other w: AdamW at lr·ratio with β1, β2, ε and decay λa',
  // Short clauses: each is typeset on its own line, and a phone's card is about 300 px wide.
  tex: [
    '\\text{2-D } W\\text{:}\\;\\; m \\leftarrow m + g + (\\mu - 1)\\,m',
    'u = g + \\mu m \\;\\;\\text{(Nesterov; else } u = m)',
    'X \\leftarrow u \\,/\\, (\\lVert u \\rVert_F + 10^{-7})',
    'n_{\\mathrm{ns}} \\text{ times: } A = X X^{\\top}',
    'X \\leftarrow \\mathsf{a} X + (\\mathsf{b} A + \\mathsf{c} A^2)\\,X',
    'W \\leftarrow W - \\mathrm{lr}\\; r_{\\mathrm{rms}} \\sqrt{\\max(\\text{rows}, \\text{cols})}\\; X',
    '\\text{other } w\\text{:}\\;\\; w \\leftarrow w - \\mathrm{lr}\\,\\lambda_{\\mathrm{a}} w',
    'm \\leftarrow m + (g - m)(1 - \\beta_1)',
    'v \\leftarrow v + (g^2 - v)(1 - \\beta_2)',
    'w \\leftarrow w - \\mathrm{lr}\\,\\eta_{\\mathrm{a}} \\frac{\\sqrt{1 - \\beta_2^{\\,t}}}{1 - \\beta_1^{\\,t}} \\frac{m}{\\sqrt{v} + \\varepsilon}',
  ].join(';\\quad '),
  about: {
    summary:
      'Muon treats each weight matrix as a whole: it keeps a Nesterov momentum of the gradients and replaces it by the nearest matrix whose singular values are all about 1, computed with five Newton–Schulz iterations, so every direction of the step gets a similar size however lopsided the gradient is. Keras scales that step by 0.2·√max(rows, cols), Liu and colleagues’ rule, which gives it the size of an AdamW step so that AdamW’s learning rate and weight decay carry over; biases and other weights that are not matrices get AdamW itself. In this network both Dense kernels take the Muon step, the output layer’s included, because Keras excludes only embeddings and the layers it is told to, although Jordan recommends AdamW for the output layer.',
    sources: [
      {
        authors: 'Jordan et al.',
        year: 2024,
        title: 'Muon: An optimizer for hidden layers in neural networks',
        published: 'kellerjordan.github.io/posts/muon',
        note: 'A blog post with its implementation (github.com/KellerJordan/Muon), not a paper.',
      },
      { authors: 'Liu et al.', year: 2025, title: 'Muon is Scalable for LLM Training', published: 'arXiv:2502.16982', note: 'The source of the scaling by 0.2·√max(rows, cols) and of weight decay with Muon.' },
    ],
  },
  parameters: {
    learningRate: learningRate(0.001),
    momentum: decayRate('Momentum', 0.95, 'Decay rate of the running sum of gradients that is orthogonalised.'),
    nesterov: { ...flag('Nesterov momentum', 'Orthogonalise the gradient plus momentum × the momentum, instead of the momentum alone.'), defaultValue: true },
    nsSteps: number('Newton-Schulz steps', 'nssteps', 5, 1, 20, 'Iterations that push the singular values of the matrix step towards 1.', true),
    rmsRate: number('RMS rate', 'rms', 0.2, 0, 10, 'The matrix step is scaled by this × √max(rows, cols) (Liu et al. 2025). 0 turns the scaling off (Keras’s None).'),
    muonA: number('Newton-Schulz a', 'nsa', 3.4445, -100, 100, 'Coefficient a of each iteration X ← aX + (bA + cA²)X; keep Keras’s unless experimenting.'),
    muonB: number('Newton-Schulz b', 'nsb', -4.775, -100, 100, 'Coefficient b of each iteration.'),
    muonC: number('Newton-Schulz c', 'nsc', 2.0315, -100, 100, 'Coefficient c of each iteration.'),
    adamBeta1: decayRate('Adam beta 1', 0.9, 'AdamW step (biases): decay rate of the running mean of gradients.'),
    adamBeta2: decayRate('Adam beta 2', 0.999, 'AdamW step (biases): decay rate of the running mean of squared gradients.'),
    epsilon: { ...epsilon, help: 'AdamW step (biases): small constant that keeps the denominator away from zero.' },
    adamWeightDecay: number('Adam weight decay', 'adamwd', 0.004, 0, 1, 'Weight decay of the weights the AdamW step takes (biases); Weight decay below is the matrices’. 0 is off.'),
    adamLrRatio: number('Adam learning rate ratio', 'adamlr', 1, 0, 100, 'The AdamW step (biases) runs at learning rate × this.'),
  },
  knobDefaults: { weightDecay: 0.004 },
  slots: () => ({ m: 0, v: 0 }),
  // Keras writes 1 - self.adam_beta_1 and self.momentum - 1 with the Python floats: double, cast once.
  constants: (p) => ({ oneMinusBeta1: 1 - p.adamBeta1, oneMinusBeta2: 1 - p.adamBeta2, epsilon: p.epsilon, momentum: p.momentum, momentumMinusOne: p.momentum - 1 }),
  // learning_rate * adam_lr_ratio is a float32 product, then cast as adam.py casts lr.
  scalars: (p, t) => ({ alpha: adamStepSize({ learningRate: f32(f32(p.learningRate) * f32(p.adamLrRatio)), beta1: p.adamBeta1, beta2: p.adamBeta2 }, t) }),
  switches: (p) => ({ nesterov: p.nesterov }),
  // The AdamW step (no AMSGrad in Muon's); vHat is never read without it.
  update: ({ w, g, slot, c, s }) => {
    const { weight, slots } = adamStep(w, g, { m: slot.m, v: slot.v, vHat: slot.v }, c, s.alpha, false);
    return { weight, slots: { m: slots.m, v: slots.v } };
  },
  matrix: {
    direction: ({ g, slot, c }, on) => {
      const m = add(slot.m, add(g, mul(slot.m, c.momentumMinusOne)));
      return { weight: on.nesterov ? add(g, mul(m, c.momentum)) : m, slots: { m } };
    },
    newtonSchulz: (p) => ({ a: p.muonA, b: p.muonB, c: p.muonC, steps: p.nsSteps }),
    // ops.sqrt of the int maximum is a float32 sqrt; rms_rate None is 0 here.
    scale: (p, rows, cols) => (p.rmsRate > 0 ? [f32(Math.sqrt(Math.max(rows, cols))), p.rmsRate] : [1, 1]),
    elementwiseWeightDecay: (p) => p.adamWeightDecay,
  },
});
