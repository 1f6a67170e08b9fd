import * as tf from '@tensorflow/tfjs';
import { stepScalars, variantFor, weightDecayOf, withLearningRate, type CompiledProgram, type OptimizerDefinition } from '../../experiment/algebra';
import type { ParameterValues } from '../../experiment/parameters';
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from '../../experiment/optimizers';
import { knobsOf } from '../../experiment/knobs';
import { learningRateAt, type ScheduleSettings } from '../../experiment/schedules';
import { evaluateProgram } from './evaluate';
import { newtonSchulz } from './matrix';
import { clipGradients, decayWeight } from './knobs';
import type { Slots, UpdateRule } from './rule';

export type { Slots, UpdateRule } from './rule';
export { evaluateProgram } from './evaluate';


/** A definition's update as a tfjs rule: its variant's program, evaluated with tensors. */
export function tfjsRule(definition: OptimizerDefinition): UpdateRule {
  // A run's program and constants depend on its hyperparameters only: worked out once per
  // run (its params object), not for every weight of every step.
  const prepared = new WeakMap<ParameterValues, { program: CompiledProgram; matrix?: CompiledProgram; constants: Record<string, number> }>();
  const prepare = (params: ParameterValues) => {
    let entry = prepared.get(params);
    if (!entry) {
      const variant = variantFor(definition, params);
      prepared.set(params, (entry = { program: variant.program, matrix: variant.matrix, constants: definition.constants(params) }));
    }
    return entry;
  };
  const constantsAt = (params: ParameterValues, learningRate: number | undefined) =>
    // A scheduled rate changes the constants made from it (SGD's lr) as well as the scalars.
    learningRate === undefined || learningRate === params.learningRate ? prepare(params).constants : definition.constants(withLearningRate(params, learningRate));
  const { matrix } = definition;
  return {
    weightDecay: (params, isMatrix) => weightDecayOf(definition, params, isMatrix),
    ...(matrix && {
      matrixUpdate(weight, gradient, slots, step, params, learningRate) {
        const program = prepare(params).matrix!;
        // The direction u and the new slots, elementwise.
        const direction = evaluateProgram(program, weight, gradient, slots, constantsAt(params, learningRate), stepScalars(definition, params, step, learningRate));
        const orthogonal = newtonSchulz(direction.weight as tf.Tensor2D, matrix.newtonSchulz(params));
        const [first, second] = matrix.scale(params, weight.shape[0], weight.shape[1]);
        // Keras's lr_adjust(lr * update): ((lr·O)·√max(rows, cols))·rms_rate, in float32.
        const change = tf.mul(tf.mul(tf.mul(orthogonal, learningRate), first), second);
        return { weight: tf.sub(weight, change), slots: direction.slots };
      },
    }),
    slots(params) {
      const initial = definition.slots(params);
      return Object.fromEntries(prepare(params).program.slots.map(({ name }) => [name, initial[name]]));
    },
    update(weight, gradient, slots, step, params, learningRate) {
      return evaluateProgram(prepare(params).program, weight, gradient, slots, constantsAt(params, learningRate), stepScalars(definition, params, step, learningRate));
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
    const results = weights.map((weight, i) => {
      // Keras's Muon takes the matrix step for every 2-D variable, the elementwise one for the rest.
      const matrix = rule.matrixUpdate !== undefined && weight.rank === 2;
      const decayed = decayWeight(weight, rule.weightDecay(params, matrix), learningRate);
      if (!matrix) return rule.update(decayed, clipped[i], slots[i], step, params, learningRate);
      const next = rule.matrixUpdate!(decayed as tf.Tensor2D, clipped[i] as tf.Tensor2D, slots[i], step, params, learningRate);
      // Slots the matrix step does not keep (Muon's AdamW velocity) stay as they were, as new
      // handles on the same data, so a caller may dispose the old slots as after any step.
      const kept = Object.entries(slots[i]).filter(([name]) => !(name in next.slots));
      return { weight: next.weight, slots: { ...Object.fromEntries(kept.map(([name, slot]) => [name, tf.clone(slot)])), ...next.slots } };
    });
    return { weights: results.map((r) => r.weight), slots: results.map((r) => r.slots) };
  });
}
