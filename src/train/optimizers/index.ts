import * as tf from '@tensorflow/tfjs';
import { stepScalars, variantFor, type OptimizerDefinition } from '../../experiment/algebra';
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from '../../experiment/optimizers';
import { evaluateProgram } from './evaluate';
import type { Slots, UpdateRule } from './rule';

export type { Slots, UpdateRule } from './rule';
export { evaluateProgram } from './evaluate';

/** A definition's update as a tfjs rule: its variant's program, evaluated with tensors. */
export function tfjsRule(definition: OptimizerDefinition): UpdateRule {
  return {
    slots(params) {
      const initial = definition.slots(params);
      return Object.fromEntries(variantFor(definition, params).program.slots.map(({ name }) => [name, initial[name]]));
    },
    update(weight, gradient, slots, step, params) {
      const { program } = variantFor(definition, params);
      return evaluateProgram(program, weight, gradient, slots, definition.constants(params), stepScalars(definition, params, step));
    },
  };
}

/** One update rule per catalog entry, all evaluated from the definitions. */
export const UPDATE_RULES: Record<OptimizerId, UpdateRule> = Object.fromEntries(OPTIMIZER_IDS.map((id) => [id, tfjsRule(OPTIMIZERS[id])])) as Record<OptimizerId, UpdateRule>;

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
