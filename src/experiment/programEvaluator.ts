/**
 * The definitions' update programs run in float64 on plain numbers: the loss-surface
 * lab's engine (a handful of parameters, no tensors, no worker). It reads the same
 * compiled programs, constants, per-step scalars and host state as the tfjs
 * evaluator (src/train/optimizers/evaluate.ts) and the wasm kernel's generated loop,
 * so a rule is written once. Differences, on purpose: every operation is a double
 * operation, and constants are not rounded to float32 (the engines round them once
 * because their weights are float32). Scalars a definition computes with f32 stay
 * float32 values, as Keras computes them.
 *
 * A sum over the weights (Lamb's norms) takes a first pass over every weight, as in the
 * other engines. A new Node op in algebra.ts must be added to `apply` below (the switch has no
 * default, so TypeScript reports a missing case).
 */
import { variantFor, stepScalars, weightDecayOf, withLearningRate, type CompiledProgram, type Node, type OptimizerDefinition } from './algebra';
import { clipGradients64, decayWeights64, knobsOf } from './knobs';
import { isConstantSchedule, learningRateAt, type ScheduleSettings } from './schedules';
import type { ParameterValues } from './parameters';

function apply(node: Node, a: number, b: number, c: number, leaf: (node: Node) => number): number {
  switch (node.op) {
    case 'weight':
    case 'gradient':
    case 'slot':
    case 'constant':
    case 'scalar':
    case 'sum': // its total comes from the first pass over the weights (NaN during it: nothing it feeds is used then)
      return leaf(node);
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    // NaN propagates, as tf.maximum and the kernel's f32x4.max do (Math.max does too).
    case 'max': return Math.max(a, b);
    case 'min': return Math.min(a, b);
    case 'pow': return Math.pow(a, b);
    case 'neg': return -a;
    case 'sqrt': return Math.sqrt(a);
    case 'square': return a * a;
    case 'abs': return Math.abs(a);
    // +0 for a zero and for NaN, as tf.sign and the kernel's sign do.
    case 'sign': return a > 0 ? 1 : a < 0 ? -1 : 0;
    case 'ifPositive': return a > 0 ? b : c;
  }
}

export interface ProgramRunner {
  /** The current weights (updated in place by `step`). */
  readonly weights: Float64Array;
  /** Steps taken so far (t of the last step; 0 before the first). */
  readonly t: number;
  /** One update with this gradient (same length as the weights). */
  step(gradient: ArrayLike<number>): void;
}

/**
 * An optimizer's state over `initial` weights, advanced one step per call. The
 * program is evaluated node by node for each weight: with two weights that is a few
 * dozen double operations per step.
 */
export function createProgramRunner(definition: OptimizerDefinition, params: ParameterValues, initial: ArrayLike<number>, schedule?: ScheduleSettings): ProgramRunner {
  const { program } = variantFor(definition, params);
  const baseConstants = definition.constants(params);
  const knobs = knobsOf(params);
  const slotStart = definition.slots(params);
  const weights = Float64Array.from(initial);
  const slots = new Map(program.slots.map(({ name }) => [name, new Float64Array(weights.length).fill(slotStart[name])]));
  // stepScalars caches host state per params object: a private copy keeps other users' steps apart.
  const ownParams = { ...params };
  const values = new Float64Array(program.nodes.length);
  let t = 0;
  return {
    weights,
    get t() {
      return t;
    },
    step(rawGradient) {
      t += 1;
      // The knobs as Keras's apply does them, the weights being one variable: clip, decay, update.
      const learningRate = learningRateAt(schedule, params.learningRate as number, t - 1);
      const scalars = stepScalars(definition, ownParams, t, learningRate);
      const constants = isConstantSchedule(schedule) ? baseConstants : definition.constants(withLearningRate(params, learningRate));
      const [gradient] = clipGradients64([Float64Array.from(rawGradient)], knobs);
      // The lab's weights are one vector, never a matrix: Muon's is its AdamW step and decay.
      decayWeights64(weights, weightDecayOf(definition, params, false), learningRate);
      // Sums over the whole variable (Lamb's norms): a first pass over every weight adds up their
      // arguments, which never read a sum (compileProgram), then the update pass reads the totals.
      const sums = new Map<Node, number>();
      const at = (i: number) => (node: Node) => {
        switch (node.op) {
          case 'weight': return weights[i];
          case 'gradient': return gradient[i];
          case 'slot': return slots.get(node.name!)![i];
          case 'constant': return constants[node.name!];
          case 'sum': return sums.get(node) ?? NaN;
          default: return scalars[node.name!];
        }
      };
      if (program.reductions.length > 0) {
        const totals = program.reductions.map(() => 0);
        for (let i = 0; i < weights.length; i++) {
          evaluateAt(program, values, at(i));
          program.reductions.forEach((n, r) => (totals[r] += values[program.nodes[n].args[0]]));
        }
        program.reductions.forEach((n, r) => sums.set(program.nodes[n], totals[r]));
      }
      for (let i = 0; i < weights.length; i++) {
        evaluateAt(program, values, at(i));
        // Every node is computed before any output is written: no node reads a half-updated slot.
        for (const { name, value } of program.slots) slots.get(name)![i] = values[value];
        weights[i] = values[program.weight];
      }
    },
  };
}

function evaluateAt(program: CompiledProgram, values: Float64Array, leaf: (node: Node) => number): void {
  const { nodes } = program;
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    const args = node.args;
    values[n] = apply(node, args.length > 0 ? values[args[0]] : 0, args.length > 1 ? values[args[1]] : 0, args.length > 2 ? values[args[2]] : 0, leaf);
  }
}
