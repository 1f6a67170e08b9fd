/**
 * "Inside the optimizers": what the engines measure on a sampled step, per Dense
 * layer (its kernel and bias together), and how each optimizer's state is summed
 * up. The slots come from the definitions; SLOT_SUMMARIES says, per slot, which
 * summary is meaningful (a first moment by its mean |s|, a second moment by its
 * mean √s, a velocity by its norm, an accumulator by its mean). The figures are
 * computed in the worker (the kernel and the tfjs engine); this file holds their
 * shape and a float64 reference of the arithmetic for tests.
 */
import { variantFor } from './algebra';
import { OPTIMIZERS, type OptimizerId } from './optimizers';
import type { ParameterValues } from './parameters';

/** mean: mean s (non-negative accumulators); meanAbs: mean |s|; meanSqrt: mean √s; norm: ‖s‖ over the layer. */
export type SlotSummary = 'mean' | 'meanAbs' | 'meanSqrt' | 'norm';
export const SLOT_SUMMARY_CODES: Record<SlotSummary, number> = { mean: 0, meanAbs: 1, meanSqrt: 2, norm: 3 };

/** Each optimizer's slots (as its definition names them): the summary and the symbol the panel shows. */
export const SLOT_SUMMARIES: { readonly [K in OptimizerId]: Readonly<Record<string, readonly [SlotSummary, string]>> } = {
  sgd: { momentum: ['norm', 'velocity'] },
  adam: { m: ['meanAbs', 'm'], v: ['meanSqrt', 'v'], vHat: ['meanSqrt', 'v̂'] },
  adagrad: { accumulator: ['mean', 'accumulator'] },
  adadelta: { accumulatedGrad: ['mean', 'E[g²]'], accumulatedDelta: ['mean', 'E[Δw²]'] },
  rmsprop: { velocity: ['meanSqrt', 'E[g²]'], momentum: ['norm', 'momentum'], averageGrad: ['meanAbs', 'E[g]'] },
  nadam: { m: ['meanAbs', 'm'], v: ['meanSqrt', 'v'] },
  adamw: { m: ['meanAbs', 'm'], v: ['meanSqrt', 'v'], vHat: ['meanSqrt', 'v̂'] },
  adamax: { m: ['meanAbs', 'm'], u: ['mean', 'u'] },
  lion: { m: ['meanAbs', 'm'] },
  lamb: { m: ['meanAbs', 'm'], v: ['meanSqrt', 'v'] },
  ftrl: { accumulator: ['mean', 'accumulator'], linear: ['meanAbs', 'linear'] },
  // m is the kernels' momentum and the biases' Adam m; v only the biases' (the kernels' stays 0).
  muon: { m: ['meanAbs', 'm'], v: ['meanSqrt', 'v'] },
};

export interface InsideSlot {
  name: string;
  summary: SlotSummary;
  /** What the panel calls the figure: "mean |m|", "mean √v", "‖velocity‖", "mean accumulator". */
  label: string;
}

export function slotLabel(summary: SlotSummary, symbol: string): string {
  switch (summary) {
    case 'mean': return `mean ${symbol}`;
    case 'meanAbs': return `mean |${symbol}|`;
    case 'meanSqrt': return `mean √${symbol}`;
    case 'norm': return `‖${symbol}‖`;
  }
}

/** The slots a run keeps (its variant's, in the kernel's slot order), each with its summary. */
export function insideSlots(optimizer: OptimizerId, params: ParameterValues): InsideSlot[] {
  return variantFor(OPTIMIZERS[optimizer], params).program.slots.map(({ name }) => {
    const described = SLOT_SUMMARIES[optimizer][name];
    if (!described) throw new Error(`${optimizer}: slot ${name} has no entry in SLOT_SUMMARIES.`);
    const [summary, symbol] = described;
    return { name, summary, label: slotLabel(summary, symbol) };
  });
}

/** One Dense layer (kernel and bias together) on a sampled step. */
export interface LayerInside {
  /** ‖g‖ of the loss's gradient (before any clipping). */
  gradientNorm: number;
  /** ‖w_after − w_before‖ (the update, weight decay included). */
  updateNorm: number;
  /** ‖w_before‖. */
  weightNorm: number;
  /** Each slot's summary after the step, in insideSlots' order. */
  slots: number[];
}

/** One training's figures at one sampled step. */
export interface InsideSample {
  /** Epochs done at the sampled step (a fraction), as the live points' position. */
  position: number;
  /** The training's own computing seconds at that step. */
  seconds: number;
  /** The step's learning rate after any schedule. */
  learningRate: number;
  layers: LayerInside[];
}

/** update-to-weight ratio: the effective step size of a layer (0 where the weights are all zero). */
export function updateRatio(layer: Pick<LayerInside, 'updateNorm' | 'weightNorm'>): number {
  return layer.weightNorm > 0 ? layer.updateNorm / layer.weightNorm : 0;
}

/**
 * The figures an engine returns after a sampled step's loss and correct count: the
 * learning rate, then per layer ‖g‖, ‖Δw‖, ‖w‖ and each slot's summary.
 */
export function flattenInside(learningRate: number, layers: readonly LayerInside[]): number[] {
  return [learningRate, ...layers.flatMap((l) => [l.gradientNorm, l.updateNorm, l.weightNorm, ...l.slots])];
}

/** flattenInside's inverse, for `layerCount` layers (the slot count follows from the length). */
export function unflattenInside(values: ArrayLike<number>, layerCount: number): { learningRate: number; layers: LayerInside[] } {
  const perLayer = (values.length - 1) / layerCount;
  if (!Number.isInteger(perLayer) || perLayer < 3) throw new Error(`${values.length} inside figures do not fit ${layerCount} layers.`);
  const layers = Array.from({ length: layerCount }, (_, l) => {
    const at = 1 + l * perLayer;
    return { gradientNorm: values[at], updateNorm: values[at + 1], weightNorm: values[at + 2], slots: Array.from({ length: perLayer - 3 }, (_, s) => values[at + 3 + s]) };
  });
  return { learningRate: values[0], layers };
}

/** Sum of a summary's terms over some values (float64); the mean divides by the count, the norm takes the root. */
export function summaryTerms(summary: SlotSummary, values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    sum += summary === 'mean' ? x : summary === 'meanAbs' ? Math.abs(x) : summary === 'meanSqrt' ? Math.sqrt(x) : x * x;
  }
  return sum;
}

export function finishSummary(summary: SlotSummary, sum: number, count: number): number {
  return summary === 'norm' ? Math.sqrt(sum) : sum / count;
}

const sumOfSquares = (values: ArrayLike<number>) => summaryTerms('norm', values);

/**
 * The float64 definition of every figure, from tensors in Keras order (kernel then
 * bias, layer by layer): the reference the engines are tested against, and what
 * the kernel's host side uses on its copies.
 */
export function layerFigures(
  before: readonly ArrayLike<number>[],
  after: readonly ArrayLike<number>[],
  gradientSquares: readonly number[],
  slots: readonly { summary: SlotSummary; values: readonly ArrayLike<number>[] }[],
): LayerInside[] {
  return Array.from({ length: before.length / 2 }, (_, l) => {
    const tensors = [2 * l, 2 * l + 1];
    let update = 0;
    for (const t of tensors) for (let i = 0; i < before[t].length; i++) update += (after[t][i] - before[t][i]) ** 2;
    const count = before[2 * l].length + before[2 * l + 1].length;
    return {
      gradientNorm: Math.sqrt(gradientSquares[2 * l] + gradientSquares[2 * l + 1]),
      updateNorm: Math.sqrt(update),
      weightNorm: Math.sqrt(sumOfSquares(before[2 * l]) + sumOfSquares(before[2 * l + 1])),
      slots: slots.map(({ summary, values }) => finishSummary(summary, summaryTerms(summary, values[2 * l]) + summaryTerms(summary, values[2 * l + 1]), count)),
    };
  });
}

/** Per Dense layer, what the panel calls it: "Layer 1 (784 → 128)", …, "Output (128 → 10)". */
export function layerNames(hiddenLayers: readonly number[]): string[] {
  const widths = [784, ...hiddenLayers, 10];
  return widths.slice(1).map((out, l) => `${l === widths.length - 2 ? 'Output' : `Layer ${l + 1}`} (${widths[l]} → ${out})`);
}
