/**
 * The optimizer catalog: ids, display names, colours and hyperparameters with
 * Keras 3's default values (keras/src/optimizers/*.py). The update rules
 * themselves live in src/train/optimizers/, one file per optimizer.
 */
import type { BooleanParameter, NumberParameter, Parameter, ParameterValues } from './parameters';
import { defaultValues } from './parameters';

export const OPTIMIZER_IDS = ['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop'] as const;
export type OptimizerId = (typeof OPTIMIZER_IDS)[number];

export interface OptimizerInfo {
  id: OptimizerId;
  label: string;
  /** Chart and table colour; chosen to stay distinguishable for common colour-vision deficiencies. */
  color: string;
  /** The update rule as Keras writes it, shown to students under the settings. */
  rule: string;
  parameters: readonly Parameter[];
}

const learningRate = (defaultValue: number): NumberParameter => ({
  kind: 'number',
  key: 'learningRate',
  label: 'Learning rate',
  urlKey: 'lr',
  defaultValue,
  min: 0,
  minExclusive: true,
  // Large on purpose: watching a run diverge at a silly learning rate is a lesson too.
  max: 1000,
  help: 'Step size of each update.',
});

const epsilon: NumberParameter = {
  kind: 'number',
  key: 'epsilon',
  label: 'Epsilon',
  urlKey: 'eps',
  defaultValue: 1e-7,
  // Zero would divide 0 by 0 for weights whose gradient is always zero (blank pixels).
  min: 1e-12,
  max: 1,
  help: 'Small constant that keeps the denominator away from zero.',
};

const decayRate = (key: string, label: string, defaultValue: number, help: string): NumberParameter => ({
  kind: 'number',
  key,
  label,
  defaultValue,
  min: 0,
  max: 1,
  maxExclusive: true,
  help,
});

const flag = (key: string, label: string, help: string): BooleanParameter => ({
  kind: 'boolean',
  key,
  label,
  defaultValue: false,
  help,
});

export const OPTIMIZERS: Record<OptimizerId, OptimizerInfo> = {
  sgd: {
    id: 'sgd',
    label: 'SGD',
    color: '#0072B2',
    rule: 'v = momentum·v − lr·g;  w = w + v  (Nesterov: w = w + momentum·v − lr·g)',
    parameters: [
      learningRate(0.01),
      decayRate('momentum', 'Momentum', 0, 'Fraction of the previous step carried into this one.'),
      flag('nesterov', 'Nesterov momentum', 'Look ahead along the momentum before taking the gradient step.'),
    ],
  },
  adam: {
    id: 'adam',
    label: 'Adam',
    color: '#D55E00',
    rule: 'm += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  w −= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε)',
    parameters: [
      learningRate(0.001),
      decayRate('beta1', 'Beta 1', 0.9, 'Decay rate of the running mean of gradients.'),
      decayRate('beta2', 'Beta 2', 0.999, 'Decay rate of the running mean of squared gradients.'),
      epsilon,
      flag('amsgrad', 'AMSGrad', 'Divide by the largest second moment seen so far.'),
    ],
  },
  adagrad: {
    id: 'adagrad',
    label: 'Adagrad',
    color: '#009E73',
    rule: 'a starts at the initial accumulator;  a += g²;  w −= lr·g/√(a + ε)',
    parameters: [
      learningRate(0.001),
      {
        kind: 'number',
        key: 'initialAccumulator',
        label: 'Initial accumulator',
        urlKey: 'accumulator',
        defaultValue: 0.1,
        min: 0,
        max: 100,
        help: 'Starting value of the sum of squared gradients.',
      },
      epsilon,
    ],
  },
  adadelta: {
    id: 'adadelta',
    label: 'Adadelta',
    color: '#CC79A7',
    rule: 'Eg = ρ·Eg + (1 − ρ)g²;  d = −√(Ed + ε)/√(Eg + ε)·g;  Ed = ρ·Ed + (1 − ρ)d²;  w += lr·d',
    parameters: [
      learningRate(0.001),
      decayRate('rho', 'Rho', 0.95, 'Decay rate of the running averages.'),
      epsilon,
    ],
  },
  rmsprop: {
    id: 'rmsprop',
    label: 'RMSprop',
    color: '#8C6D00',
    rule: 's = ρ·s + (1 − ρ)g²;  w −= lr·g/√(s + ε)  (with momentum and centring when set)',
    parameters: [
      learningRate(0.001),
      decayRate('rho', 'Rho', 0.9, 'Decay rate of the running mean of squared gradients.'),
      decayRate('momentum', 'Momentum', 0, 'Fraction of the previous step carried into this one.'),
      epsilon,
      flag('centered', 'Centered', 'Normalise by the estimated variance instead of the raw second moment.'),
    ],
  },
};

export function optimizerDefaults(id: OptimizerId): ParameterValues {
  return defaultValues(OPTIMIZERS[id].parameters);
}

export function isOptimizerId(value: unknown): value is OptimizerId {
  return typeof value === 'string' && (OPTIMIZER_IDS as readonly string[]).includes(value);
}
