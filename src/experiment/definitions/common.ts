/** Hyperparameter declarations several optimizers share (keys come from where they are used). */
import type { BooleanSpec, NumberSpec } from '../algebra';

export const learningRate = (defaultValue: number): NumberSpec => ({
  kind: 'number',
  label: 'Learning rate',
  urlKey: 'lr',
  defaultValue,
  min: 0,
  minExclusive: true,
  // Large on purpose: watching a run diverge at a silly learning rate is a lesson too.
  max: 1000,
  help: 'Step size of each update.',
});

export const epsilon: NumberSpec = {
  kind: 'number',
  label: 'Epsilon',
  urlKey: 'eps',
  defaultValue: 1e-7,
  // Zero would divide 0 by 0 for weights whose gradient is always zero (blank pixels).
  min: 1e-12,
  max: 1,
  help: 'Small constant that keeps the denominator away from zero.',
};

export const decayRate = (label: string, defaultValue: number, help: string): NumberSpec => ({
  kind: 'number',
  label,
  defaultValue,
  min: 0,
  max: 1,
  maxExclusive: true,
  help,
});

/** Adagrad's and Ftrl's starting sum of squared gradients. */
export const initialAccumulator: NumberSpec = {
  kind: 'number',
  label: 'Initial accumulator',
  urlKey: 'accumulator',
  defaultValue: 0.1,
  min: 0,
  max: 100,
  help: 'Starting value of the sum of squared gradients.',
};

export const flag = (label: string, help: string): BooleanSpec => ({
  kind: 'boolean',
  label,
  defaultValue: false,
  help,
});
