/**
 * The optimizer registry. Each optimizer is defined once, in definitions/<id>.ts
 * (defineOptimizer, algebra.ts): display name, hyperparameters with Keras
 * 3's defaults (keras/src/optimizers/*.py), the rule as text, and the update rule
 * itself as a program that the tfjs engine evaluates and the wasm kernel's update
 * loops are generated from.
 */
import type { OptimizerDefinition } from './algebra';
import { KNOB_KEYS, type KnobKey } from './knobs';
import { adadelta } from './definitions/adadelta';
import { adagrad } from './definitions/adagrad';
import { adam } from './definitions/adam';
import { adamax } from './definitions/adamax';
import { adamw } from './definitions/adamw';
import { ftrl } from './definitions/ftrl';
import { lamb } from './definitions/lamb';
import { lion } from './definitions/lion';
import { muon } from './definitions/muon';
import { nadam } from './definitions/nadam';
import { rmsprop } from './definitions/rmsprop';
import { sgd } from './definitions/sgd';
import type { ParameterValues } from './parameters';
import { defaultValues } from './parameters';

// The form's order (the issue's for the Keras family). The kernel numbers its variants in this
// order at build time; nothing keeps a kind beyond one build (the layout hash checks the pair).
export const OPTIMIZER_IDS = ['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop', 'nadam', 'adamw', 'adamax', 'lion', 'lamb', 'ftrl', 'muon'] as const;
export type OptimizerId = (typeof OPTIMIZER_IDS)[number];

/** Every definition, in OPTIMIZER_IDS order (the kernel numbers its variants in this order). */
export const OPTIMIZERS: { readonly [K in OptimizerId]: OptimizerDefinition<K> } = {
  sgd,
  adam,
  adagrad,
  adadelta,
  rmsprop,
  nadam,
  adamw,
  adamax,
  lion,
  lamb,
  ftrl,
  muon,
};

export function optimizerDefaults(id: OptimizerId): ParameterValues {
  return defaultValues(OPTIMIZERS[id].parameters);
}

/**
 * Hyperparameters from a link or file written before the shared knobs existed, with
 * the knobs they lack at this optimizer's defaults (off; AdamW's weight decay was
 * already its own, under the same key).
 */
export function withKnobDefaults(id: OptimizerId, values: ParameterValues): ParameterValues {
  // In the definition's order, as every other set of hyperparameters is written.
  const ordered = Object.fromEntries(OPTIMIZERS[id].parameters.map((p) => [p.key, p.key in values || !KNOB_KEYS.includes(p.key as KnobKey) ? values[p.key] : p.defaultValue]));
  return { ...ordered, ...values };
}

export function isOptimizerId(value: unknown): value is OptimizerId {
  return typeof value === 'string' && (OPTIMIZER_IDS as readonly string[]).includes(value);
}
