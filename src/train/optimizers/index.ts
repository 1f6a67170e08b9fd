import * as tf from '@tensorflow/tfjs';
import { stepScalars, variantFor, withLearningRate, type CompiledProgram, type OptimizerDefinition } from '../../experiment/algebra';
import type { ParameterValues } from '../../experiment/parameters';
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from '../../experiment/optimizers';
import { knobsOf } from '../../experiment/knobs';
import { learningRateAt, type ScheduleSettings } from '../../experiment/schedules';
import { evaluateProgram } from './evaluate';
import { clipGradients, decayWeight } from './knobs';
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
    update(weight, gradient, slots, step, params, learningRate) {
      const { program, constants } = prepare(params);
      // A scheduled rate changes the constants made from it (SGD's lr) as well as the scalars.
      const stepConstants = learningRate === undefined || learningRate === params.learningRate ? constants : definition.constants(withLearningRate(params, learningRate));
      return evaluateProgram(program, weight, gradient, slots, stepConstants, stepScalars(definition, params, step, learningRate));
    },
  };
}

/** One update rule per catalog entry, all evaluated from the definitions. */
export const UPDATE_RULES: Record<OptimizerId, UpdateRule> = Object.fromEntries(OPTIMIZER_IDS.map((id) => [id, tfjsRule(OPTIMIZERS[id])])) as Record<OptimizerId, UpdateRule>;

/**
 * One optimizer step over all of a model's variables as Keras's `apply` takes it:
 * clip the gradients, decay the weights (the shared knobs, knobs.ts), then each
 * variable's update, all at the step's learning rate after the schedule. Inside
 * tf.tidy, so only the new weights and slots survive.
 */
export function applyStep(
  rule: UpdateRule,
  weights: readonly tf.Tensor[],
  gradients: readonly tf.Tensor[],
  slots: readonly Slots[],
  step: number,
  params: ParameterValues,
  schedule?: ScheduleSettings,
): { weights: tf.Tensor[]; slots: Slots[] } {
  return tf.tidy(() => {
    const knobs = knobsOf(params);
    const learningRate = learningRateAt(schedule, params.learningRate as number, step - 1);
    const clipped = clipGradients(gradients, knobs);
    const results = weights.map((weight, i) => rule.update(decayWeight(weight, knobs.weightDecay, learningRate), clipped[i], slots[i], step, params, learningRate));
    return { weights: results.map((r) => r.weight), slots: results.map((r) => r.slots) };
  });
}
