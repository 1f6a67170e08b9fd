import * as tf from '@tensorflow/tfjs';
import type { OptimizerId } from '../../experiment/optimizers';
import { adadelta } from './adadelta';
import { adagrad } from './adagrad';
import { adam } from './adam';
import { rmsprop } from './rmsprop';
import type { Slots, UpdateRule } from './rule';
import { sgd } from './sgd';

/** One update rule per catalog entry; the catalog holds names, defaults and ranges. */
export const UPDATE_RULES: Record<OptimizerId, UpdateRule> = {
  sgd: sgd as UpdateRule,
  adam: adam as UpdateRule,
  adagrad: adagrad as UpdateRule,
  adadelta: adadelta as UpdateRule,
  rmsprop: rmsprop as UpdateRule,
};

export type { Slots, UpdateRule } from './rule';

/** Runs one update inside tf.tidy, so only the new weight and slots survive. */
export function applyRule(
  rule: UpdateRule,
  weight: tf.Tensor,
  gradient: tf.Tensor,
  slots: Slots,
  step: number,
  params: Parameters<UpdateRule['update']>[4],
): { weight: tf.Tensor; slots: Slots } {
  return tf.tidy(() => rule.update(weight, gradient, slots, step, params));
}
