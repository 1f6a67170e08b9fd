import * as tf from '@tensorflow/tfjs';
import { stepScalars, variantFor, type CompiledProgram, type OptimizerDefinition } from '../../experiment/algebra';
import type { ParameterValues } from '../../experiment/parameters';
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from '../../experiment/optimizers';
import { evaluateProgram } from './evaluate';
import type { Slots, UpdateRule } from './rule';

export type { Slots, UpdateRule } from './rule';
export { evaluateProgram } from './evaluate';

/** A definition's update as a tfjs rule: its variant's program, evaluated with tensors. */
export function tfjsRule(definition: OptimizerDefinition): UpdateRule {
  // A run's program and constants depend on its hyperparameters only: worked out once per
  // run (its params object), not for every weight of every step.
  const prepared = new WeakMap<ParameterValues, { program: CompiledProgram; constants: Record<string, number> }>();
  const prepare = (params: ParameterValues) => {
    let entry = prepared.get(params);
    if (!entry) prepared.set(params, (entry = { program: variantFor(definition, params).program, constants: definition.constants(params) }));
    return entry;
  };
  return {
    slots(params) {
      const initial = definition.slots(params);
      return Object.fromEntries(prepare(params).program.slots.map(({ name }) => [name, initial[name]]));
    },
    update(weight, gradient, slots, step, params) {
      const { program, constants } = prepare(params);
      return evaluateProgram(program, weight, gradient, slots, constants, stepScalars(definition, params, step));
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
